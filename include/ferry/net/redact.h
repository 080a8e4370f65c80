// Removes credentials from URLs and headers before they are logged or put in an error.
#pragma once

#include <string>

namespace ferry::net {

// Masks a URL's user-info password and the values of query parameters that carry secrets
// (api_key, apikey, token_auth, password, X-Amz-Signature, X-Amz-Credential,
// X-Amz-Security-Token, ...), e.g. `https://h/p?api_key=********`.
std::string redact_url(const std::string& url);

// The header value as it may be logged: secrets (Authorization, Cookie, X-Amz-Security-Token,
// ...) become "********".
std::string redact_header(const std::string& name, const std::string& value);

}  // namespace ferry::net
