#include "server/upload.h"

namespace hashsieve::server {

Upload find_upload(const httplib::Request& req) {
  Upload u;
  const httplib::MultipartFormData* file = nullptr;
  int files = 0;
  // Like Flask's request.files: only parts that carry a filename are files; others are form fields.
  for (const auto& [name, part] : req.files)
    if (!part.filename.empty()) {
      ++files;
      file = &part;
    }
  if (!req.is_multipart_form_data() || files == 0) {
    u.error_status = 400;
    u.error = "Missing multipart/form-data file upload";
  } else if (files > 1) {
    u.error_status = 400;
    u.error = "Only one file allowed per request";
  } else if (file->name == "video") {
    u.error_status = 400;
    u.error = "content_type video is disabled";
  } else if (file->name != "photo") {
    u.error_status = 400;
    u.error = "no such content_type: '" + file->name + "'";
  } else {
    u.bytes = &file->content;
  }
  return u;
}

}  // namespace hashsieve::server
