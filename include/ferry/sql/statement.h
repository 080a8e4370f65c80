// A statement on an sql::Connection the way the stores use one: prepare, bind by position,
// step through rows, read typed columns, run again after reset().
//
//   sql::Statement q(db, "SELECT id, name FROM jobs WHERE state = ?");
//   q.bind(1, "pending");
//   while (q.step()) use(q.column(0).int64(), q.column(1).text());
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "ferry/sql/connection.h"

namespace ferry::sql {

// One column of a row, read as the caller needs it. NULL reads as 0 and "", text holding a
// number as that number, a number as its decimal text.
class Field {
 public:
  explicit Field(const Value& v) : v_(v) {}
  bool null() const { return std::holds_alternative<std::monostate>(v_); }
  int64_t int64() const;
  int integer() const { return static_cast<int>(int64()); }
  double real() const;
  std::string text() const;
  const Value& value() const { return v_; }

 private:
  const Value& v_;
};

class Statement {
 public:
  // Prepares `sql` on `db`. Throws Error.
  Statement(Connection& db, const std::string& sql) : cursor_(db.prepare(sql)) {}

  // Binds `v` to the `index`th `?` (from 1): an integer or bool, a floating-point number,
  // text, std::nullopt (NULL), an optional of those, or a Value.
  template <class T>
  void bind(int index, const T& v) {
    cursor_->bind(index, to_value(v));
  }
  // Binds NULL.
  void bind(int index) { cursor_->bind(index, Value{}); }
  // Binds `v`'s value, or NULL when it has none.
  template <class U>
  void bind(int index, const std::optional<U>& v) {
    if (v.has_value())
      bind(index, *v);
    else
      bind(index);
  }

  // Runs the statement (the first time) and moves to its next row: false when there is none.
  // Throws Error.
  bool step() { return cursor_->step(); }
  // Column `i` of the current row; valid until the next step().
  Field column(int i) const { return Field(cursor_->column(i)); }
  int column_count() const { return cursor_->column_count(); }
  // Runs the statement to its end, ignoring any rows; returns the rows it changed. Throws Error.
  int64_t run() {
    while (cursor_->step()) {
    }
    return cursor_->changes();
  }
  // Runs an INSERT … RETURNING id to its end (every row it adds is added then); returns the
  // first row's id. Throws Error, also when the statement returned no row.
  int64_t inserted_id();
  // Ready to run again with the same bindings (rebind what changes).
  void reset() { cursor_->reset(); }

 private:
  template <class T>
  static Value to_value(const T& v) {
    if constexpr (std::is_same_v<T, Value>) {
      return v;
    } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
      return Value{};
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<int64_t>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<double>(v);
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return std::string(std::string_view(v));
    } else {
      static_assert(std::is_same_v<T, void>, "bind takes integers, floats, text or NULL");
    }
  }

  std::unique_ptr<Cursor> cursor_;
};

}  // namespace ferry::sql
