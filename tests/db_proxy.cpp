#include "tests/db_proxy.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <future>

namespace upi::testing {
namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

// One client connection and its connection to the server; bytes pumped both ways until either
// side closes or the proxy is cut.
struct DbProxy::Link : std::enable_shared_from_this<Link> {
  explicit Link(asio::io_context& io) : client(io), local_server(io), tcp_server(io) {}
  Local::socket client;
  Local::socket local_server;  // when the server listens on a Unix socket
  asio::ip::tcp::socket tcp_server;
  bool tcp = false;

  void close() {
    boost::system::error_code ignored;
    client.close(ignored);
    local_server.close(ignored);
    tcp_server.close(ignored);
  }
  template <typename From, typename To>
  void pump(From& from, To& to, std::shared_ptr<std::array<char, 16384>> buf) {
    from.async_read_some(asio::buffer(*buf), [self = shared_from_this(), &from, &to, buf](
                                                 boost::system::error_code ec, std::size_t n) {
      if (ec) return self->close();
      asio::async_write(to, asio::buffer(buf->data(), n),
                        [self, &from, &to, buf](boost::system::error_code ec2, std::size_t) {
                          if (ec2) return self->close();
                          self->pump(from, to, buf);
                        });
    });
  }
  void start() {
    auto up = std::make_shared<std::array<char, 16384>>();
    auto down = std::make_shared<std::array<char, 16384>>();
    if (tcp) {
      pump(client, tcp_server, up);
      pump(tcp_server, client, down);
    } else {
      pump(client, local_server, up);
      pump(local_server, client, down);
    }
  }
};

DbProxy::DbProxy(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  EXPECT_NE(options, nullptr) << (error ? error : "bad conninfo");
  if (error) PQfreemem(error);
  std::string host = "/var/run/postgresql", port = "5432";
  for (auto* o = options; o && o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    const std::string key = o->keyword, val = o->val;
    if (key == "host" || key == "hostaddr") {
      host = val;
    } else if (key == "port") {
      port = val;
    } else {
      proxied_ += key + "='" + val + "' ";
    }
  }
  if (options) PQconninfoFree(options);
  char dir_template[] = "/tmp/upi-dbproxy.XXXXXX";
  dir_ = mkdtemp(dir_template);
  proxied_ += "host=" + dir_ + " port=" + port;
  if (host.starts_with('/')) {
    target_socket_ = host + "/.s.PGSQL." + port;
  } else {
    target_host_ = host;
    target_port_ = port;
  }
  acceptor_ = std::make_unique<Local::acceptor>(io_, Local::endpoint(dir_ + "/.s.PGSQL." + port));
  accept();
  thread_ = std::jthread([this] { io_.run(); });
}

DbProxy::~DbProxy() {
  asio::post(io_, [this] {
    acceptor_->close();
    for (auto& weak : links_) {
      if (auto link = weak.lock()) link->close();
    }
    io_.stop();
  });
  thread_.join();
  std::filesystem::remove_all(dir_);
}

void DbProxy::accept() {
  auto link = std::make_shared<Link>(io_);
  acceptor_->async_accept(link->client, [this, link](boost::system::error_code ec) {
    if (ec) return;  // closed
    if (!open_) {
      link->close();
    } else {
      boost::system::error_code connected;
      if (target_socket_.empty()) {
        link->tcp = true;
        asio::ip::tcp::resolver resolver(io_);
        asio::connect(link->tcp_server, resolver.resolve(target_host_, target_port_), connected);
      } else {
        link->local_server.connect(Local::endpoint(target_socket_), connected);
      }
      if (connected) {
        link->close();
      } else {
        links_.push_back(link);
        link->start();
      }
    }
    accept();
  });
}

void DbProxy::cut() {
  std::promise<void> done;
  asio::post(io_, [&] {
    open_ = false;
    for (auto& weak : links_) {
      if (auto link = weak.lock()) link->close();
    }
    links_.clear();
    done.set_value();
  });
  done.get_future().wait();
}

void DbProxy::restore() {
  std::promise<void> done;
  asio::post(io_, [&] {
    open_ = true;
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace upi::testing
