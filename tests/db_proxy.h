// A proxy between a program under test and the test PostgreSQL, that a test can cut (every
// connection closed, new ones refused) and restore: the database "going away" without stopping
// the server that other tests share. It listens on a Unix socket in a folder of its own.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace upi::testing {

class DbProxy {
 public:
  // Forwards to the server conninfo names (a Unix socket directory or a TCP host and port).
  explicit DbProxy(const std::string& conninfo);
  ~DbProxy();

  // The conninfo that reaches the server through this proxy.
  const std::string& conninfo() const { return proxied_; }
  // Closes every connection through the proxy and refuses new ones, until restore().
  void cut();
  void restore();

 private:
  struct Link;
  void accept();

  boost::asio::io_context io_;
  std::string dir_;
  std::string proxied_;
  std::string target_socket_;  // the server's Unix socket, or empty for TCP
  std::string target_host_;
  std::string target_port_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
  std::vector<std::weak_ptr<Link>> links_;
  bool open_ = true;
  std::jthread thread_;
};

}  // namespace upi::testing
