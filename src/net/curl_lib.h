// libcurl, loaded on first use instead of linked.
//
// Linking libcurl4 (OpenSSL flavour) makes every ferry process load some 30 shared libraries
// (Kerberos, LDAP, SASL, GnuTLS, libssh2, nghttp2, ...) and run their constructors, which
// costs several milliseconds even for a cron tick that never talks to the network. ferry
// therefore links no libcurl: the first HTTP or SMTP exchange dlopen()s libcurl.so.4 and
// resolves the handful of functions below. Include <curl/curl.h> for types and constants
// only, and call libcurl through curl_lib().
#pragma once

#include <curl/curl.h>

namespace ferry::net {

// The libcurl functions ferry uses; each member points at the curl_* function of that name
// (easy_setopt is curl_easy_setopt, and so on) and has its signature.
struct CurlLib {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* handle);
  void (*easy_reset)(CURL* handle);
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
};

// libcurl, loaded and initialised. The first call in the process, from any thread, loads
// libcurl.so.4 (dlopen, RTLD_NOW | RTLD_LOCAL), resolves every member of CurlLib and runs
// curl_global_init(CURL_GLOBAL_DEFAULT); concurrent first callers wait for it, and later
// calls only read the result. The library stays loaded until the process exits.
// Throws OperationError(kPermanent) when the library or one of its functions cannot be
// loaded, or curl_global_init fails; the outcome is kept, so every later call throws the same.
const CurlLib& curl_lib();

}  // namespace ferry::net
