#include "switch/metrics.h"

#include <cstdio>

namespace upi::api {

void HttpMetrics::observe(const std::string& method, const std::string& route, int status,
                          double seconds) {
  ++requests_[{method, route, status}];
  Histogram& h = latency_[route];
  for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i) {
    if (seconds <= kBucketsSeconds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum_seconds += seconds;
}

std::string HttpMetrics::render() const {
  std::string out =
      "# HELP http_requests_total HTTP requests by method, route and status.\n"
      "# TYPE http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "http_requests_total{method=\"" + method + "\",route=\"" + route + "\",status=\"" +
           std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out +=
      "# HELP http_request_duration_seconds Time from request read to response ready.\n"
      "# TYPE http_request_duration_seconds histogram\n";
  char number[32];
  for (const auto& [route, h] : latency_) {
    const std::string labels = "route=\"" + route + "\"";
    for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i) {
      std::snprintf(number, sizeof number, "%g", kBucketsSeconds[i]);
      out += "http_request_duration_seconds_bucket{" + labels + ",le=\"" + number + "\"} " +
             std::to_string(h.buckets[i]) + "\n";
    }
    out += "http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    std::snprintf(number, sizeof number, "%.6f", h.sum_seconds);
    out += "http_request_duration_seconds_sum{" + labels + "} " + number + "\n";
    out += "http_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
  }
  return out;
}

}  // namespace upi::api
