// Removes credentials from URLs and headers before they are logged or put in an error.
#pragma once

#include <string>
#include <vector>

namespace ferry::net {

// Adds parameter and header names whose values are secret (the config keys declared secret,
// e.g. `api_key`), compared without case. Process-wide; call at start-up.
void add_secret_names(const std::vector<std::string>& names);

// Masks a URL's user-info password and the values of query parameters that carry secrets
// (password, token, X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, ..., and every
// name given to add_secret_names), e.g. `https://h/p?api_key=********`.
std::string redact_url(const std::string& url);

// The header value as it may be logged: secrets (Authorization, Cookie, X-Amz-Security-Token,
// ..., and every name given to add_secret_names) become "********".
std::string redact_header(const std::string& name, const std::string& value);

}  // namespace ferry::net
