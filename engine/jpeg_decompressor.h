// libjpeg-turbo plumbing shared by the engine's direct JPEG readers (the fast mode's block means
// and the exact mode's streamed hashing): fatal errors jump back to the caller, warnings stay
// silent, and a progressive JPEG may not have more than kMaxJpegScans scans. Internal.
#pragma once

#include <csetjmp>
#include <cstddef>
#include <cstdio>

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>

#include "hashsieve/decode.h"
#include "hashsieve/status.h"

namespace hashsieve {

// A progressive JPEG may declare thousands of tiny scans, each a pass over the coefficients: a
// cheap file that costs minutes. Real encoders write about ten.
inline constexpr int kMaxJpegScans = 100;

// libjpeg reports fatal errors by calling error_exit, which must not return: it jumps to `jump`,
// which every function calling into libjpeg arms with setjmp first. Only C frames of libjpeg lie
// between, so no destructor is skipped. Warnings (e.g. corrupt data in a scan) are not printed:
// an upload's decoder chatter has no place on the operator's terminal, and libjpeg goes on with
// what it has, as OpenCV's decoder does.
struct JpegErrorTrap {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

struct JpegScanGuard {
  jpeg_progress_mgr mgr;
  JpegErrorTrap* trap;
};

// What the decoder sees when the data ends early.
enum class JpegDataEnd {
  kFakeEoi,  // libjpeg's memory source: an end-of-image marker, the rest decodes as flat grey
  kSuspend,  // OpenCV's source: decoding stops where the data stops, as OpenCV's decoder does
};

// Owns a decompressor wired to the trap and the scan guard; create() must run under setjmp.
struct JpegDecompressor {
  jpeg_decompress_struct cinfo{};
  JpegErrorTrap trap{};
  JpegScanGuard guard{};
  jpeg_source_mgr suspending_source{};
  bool created = false;

  JpegDecompressor();
  ~JpegDecompressor();
  JpegDecompressor(const JpegDecompressor&) = delete;
  JpegDecompressor& operator=(const JpegDecompressor&) = delete;

  // jpeg_create_decompress + a source over data + the guards. Call after setjmp(trap.jump).
  void create(const unsigned char* data, size_t size, JpegDataEnd end = JpegDataEnd::kFakeEoi);
};

// Creates `d` over data, reads the header, and checks libjpeg's own reading of the dimensions
// against `limits` (the header sniffer checked the same numbers) and that the JPEG is YCbCr or
// gray, the colour spaces hashsieve decodes itself. Returns false on a libjpeg error (message in
// d.trap.message); otherwise `refusal` says why not to go on (kDecodeFailed, kImageTooLarge, or
// kUnsupported for another colour space), or stays Ok.
bool open_ycc_jpeg(JpegDecompressor& d, const unsigned char* data, size_t size, JpegDataEnd end,
                   const DecodeLimits& limits, Status& refusal);

// out = Status(code, message), built in a frame of its own. A function that calls setjmp must hold
// no C++ object a longjmp could skip, not even the string temporaries of a Status.
void set_refusal(Status& out, StatusCode code, const char* message);

}  // namespace hashsieve
