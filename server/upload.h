// The one uploaded file of an HMA hashing request: multipart/form-data whose field name is the
// content type (`photo=@x.jpg`), as HMA's hash_media_from_form_data accepts it.
#pragma once

#include <httplib.h>

#include <string>

namespace hashsieve::server {

struct Upload {
  const std::string* bytes = nullptr;  // the part's content, held by the request
  int error_status = 0;                // non-zero: answer this with `error`
  std::string error;
};

Upload find_upload(const httplib::Request& req);

}  // namespace hashsieve::server
