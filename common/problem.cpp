#include "common/problem.h"

namespace upi::http {

namespace {
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

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

Status status_for(const Error& error) {
  const std::string_view code = error.code;
  if (ends_with(code, "NOT_FOUND")) return Status::not_found;
  if (code == "CONFLICT" || code == "REQUEST_IN_PROGRESS") return Status::conflict;
  if (code == "UNAVAILABLE" || code == "STORE_UNAVAILABLE") return Status::service_unavailable;
  if (code == "TIMEOUT") return Status::gateway_timeout;
  if (code == "INTERNAL") return Status::internal_server_error;
  return Status::unprocessable_entity;
}

Response problem(const Error& error) {
  return problem(status_for(error), error.code, error.message);
}

Response json_response(Status status, const json::value& body) {
  Response res{status, 11};
  res.set(beast_http::field::content_type, "application/json");
  res.body() = to_json(body);
  return res;
}

}  // namespace upi::http
