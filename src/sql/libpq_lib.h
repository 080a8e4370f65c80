// libpq, loaded on first use instead of linked, as libcrypto and libcurl are: with its own
// dependencies (libssl, Kerberos, LDAP) it would make every process load and relocate code that
// only a PostgreSQL state needs. Include libpq-fe.h for types and constants only, and call
// libpq through libpq().
#pragma once

#include <postgresql/libpq-fe.h>

namespace ferry::sql {

// X(name) for each libpq function ferry calls.
// clang-format off
#define FERRY_LIBPQ_FUNCTIONS(X) \
  X(PQconnectdbParams) \
  X(PQstatus) \
  X(PQerrorMessage) \
  X(PQfinish) \
  X(PQsetNoticeProcessor) \
  X(PQexec) \
  X(PQresultStatus) \
  X(PQresultErrorMessage) \
  X(PQresultErrorField) \
  X(PQclear) \
  X(PQsendQueryParams) \
  X(PQexecParams) \
  X(PQntuples) \
  X(PQcmdTuples) \
  X(PQsetSingleRowMode) \
  X(PQgetResult) \
  X(PQputCopyData) \
  X(PQputCopyEnd) \
  X(PQnfields) \
  X(PQgetisnull) \
  X(PQgetvalue) \
  X(PQgetlength) \
  X(PQftype)
// clang-format on

// Each member points at the libpq function of the same name and has its signature.
struct LibpqLib {
#define FERRY_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
  FERRY_LIBPQ_FUNCTIONS(FERRY_LIBPQ_MEMBER)
#undef FERRY_LIBPQ_MEMBER
};

// libpq, loaded by the first call in the process (from any thread; later calls only read).
// Throws sql::Error when libpq.so.5 or one of its functions cannot be loaded, every time.
const LibpqLib& libpq();

}  // namespace ferry::sql
