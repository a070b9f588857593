#include "common/problem.h"

namespace upi::http {

Response problem(Status status, std::string_view code, std::string_view detail) {
  json::object body;
  body["type"] = "urn:upi-switch:problem:" + std::string(code);
  body["title"] = std::string(beast_http::obsolete_reason(status));
  body["status"] = static_cast<int>(status);
  body["detail"] = detail;
  body["code"] = code;
  Response res{status, 11};
  res.set(beast_http::field::content_type, "application/problem+json");
  res.body() = to_json(body);
  return res;
}

Status status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid:
      return Status::unprocessable_entity;
    case ErrorKind::kMalformed:
      return Status::bad_request;
    case ErrorKind::kUnauthenticated:
      return Status::unauthorized;
    case ErrorKind::kForbidden:
      return Status::forbidden;
    case ErrorKind::kNotFound:
      return Status::not_found;
    case ErrorKind::kConflict:
      return Status::conflict;
    case ErrorKind::kTooLarge:
      return Status::payload_too_large;
    case ErrorKind::kUnsupported:
      return Status::unsupported_media_type;
    case ErrorKind::kRateLimited:
      return Status::too_many_requests;
    case ErrorKind::kBusy:
      return Status::service_unavailable;
    case ErrorKind::kUnavailable:
      return Status::service_unavailable;
    case ErrorKind::kBadUpstream:
      return Status::bad_gateway;
    case ErrorKind::kTimeout:
      return Status::gateway_timeout;
    case ErrorKind::kInternal:
      return Status::internal_server_error;
  }
  return Status::internal_server_error;
}

Response problem(const Error& error) {
  return problem(status_for(error.kind), error.code, error.message);
}

Response json_response(Status status, const json::value& body) {
  Response res{status, 11};
  res.set(beast_http::field::content_type, "application/json");
  res.body() = to_json(body);
  return res;
}

}  // namespace upi::http
