// Quoting for every text output: the public declarations (hashsieve/text_quote.h), under the
// name the library's own code has always included.
#pragma once

#include "hashsieve/text_quote.h"
