// What a care-record service returns: the value, or a failure the face turns into an HTTP status
// or an exit code. A refused or invalid request changes nothing.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace jc::care {

enum class Fault {
  Forbidden,  // the access rule said no (the denial is audited)
  NotFound,   // no such thing, or the user may not know it exists
  Invalid,    // bad input: names the field
  Conflict,   // not allowed in the current state (e.g. completing a declined referral)
};

struct Failure {
  Fault fault = Fault::Invalid;
  std::string message;
};

inline Failure forbidden(std::string m) { return {Fault::Forbidden, std::move(m)}; }
inline Failure not_found(std::string m) { return {Fault::NotFound, std::move(m)}; }
inline Failure invalid(std::string m) { return {Fault::Invalid, std::move(m)}; }
inline Failure conflict(std::string m) { return {Fault::Conflict, std::move(m)}; }

template <class T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Outcome(Failure failure) : v_(std::move(failure)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& operator*() const { return std::get<0>(v_); }
  T& operator*() { return std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const Failure& failure() const { return std::get<1>(v_); }

 private:
  std::variant<T, Failure> v_;
};

struct Done {};

}  // namespace jc::care
