// specs/openapi.yaml as a checker of real responses: finds the documented operation and response
// for a request and validates the answer's status, media type and body against its JSON Schema
// (the subset the document uses: $ref, allOf, oneOf, anyOf, type, enum, const, properties,
// required, additionalProperties, items, min/maxItems, min/maxLength, minimum, maximum, pattern,
// format date-time). The end-to-end tests run every response they receive through it.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"

namespace upi::testing {

class OpenApiDocument {
 public:
  // Reads a YAML OpenAPI document. Error code: INVALID_OPENAPI.
  static Result<OpenApiDocument> load(const std::string& path);

  // What differs between the response and the document (empty when it conforms): a status,
  // media type or body the route does not document. A target no path matches must be a
  // documented problem (ROUTE_NOT_FOUND), and so must a method the path does not have.
  std::vector<std::string> check_response(const std::string& method, const std::string& target,
                                          int status, const std::string& content_type,
                                          const std::string& body) const;
  // Where value breaks schema (empty when it conforms); at names the value, e.g. "body.rail".
  std::vector<std::string> validate(const json::value& value, const json::value& schema,
                                    const std::string& at) const;

 private:
  explicit OpenApiDocument(json::object doc) : doc_(std::move(doc)) {}
  const json::value& resolve(const json::value& maybe_ref) const;
  // The path template that matches target's path (literal segments preferred), or null.
  const json::object* operation_for(const std::string& method, const std::string& path,
                                    bool* path_known) const;
  void validate_into(const json::value& value, const json::value& schema, const std::string& at,
                     std::vector<std::string>& out) const;

  json::object doc_;
};

// The source tree's specs/openapi.yaml, loaded once (a test failure if it cannot be).
const OpenApiDocument& openapi();

}  // namespace upi::testing
