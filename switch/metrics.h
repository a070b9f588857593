// Request counters and latency histograms in Prometheus text format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace upi::api {

class HttpMetrics {
 public:
  static constexpr std::array<double, 12> kBucketsSeconds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0};

  void observe(const std::string& method, const std::string& route, int status, double seconds);
  // http_requests_total and http_request_duration_seconds, in exposition format.
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBucketsSeconds.size()> buckets{};
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;  // by route
};

}  // namespace upi::api
