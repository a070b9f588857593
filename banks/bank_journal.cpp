#include "banks/bank_journal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "banks/bank_api.h"

namespace upi::banks {

Result<std::unique_ptr<BankJournal>> BankJournal::open(const std::string& path,
                                                       std::vector<LegRecord>* records) {
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream all;
      all << in.rdbuf();
      text = all.str();
    }
  }
  std::size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // torn by a crash mid-write: never acknowledged
    ++line_number;
    auto object = parse_json_object(std::string_view(text).substr(start, end - start), 4);
    auto leg = object ? leg_record_from_json(*object) : std::unexpected(object.error());
    if (!leg) {
      return fail(ErrorKind::kInternal, "JOURNAL_CORRUPT",
                  path + " line " + std::to_string(line_number) + ": " + leg.error().message);
    }
    records->push_back(std::move(*leg));
    start = end + 1;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(ErrorKind::kUnavailable, "JOURNAL_UNREADABLE", path + ": " + std::strerror(errno));
  // Drop a torn tail so the next record starts on a line of its own.
  if (::ftruncate(fd, static_cast<off_t>(start)) != 0 || ::lseek(fd, 0, SEEK_END) < 0) {
    ::close(fd);
    return fail(ErrorKind::kUnavailable, "JOURNAL_UNREADABLE", path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<BankJournal>(new BankJournal(fd));
}

BankJournal::~BankJournal() {
  ::close(fd_);
}

void BankJournal::append(const LegRecord& leg) {
  const std::string line = to_json(leg_record_to_json(leg)) + "\n";
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      spdlog::critical("cannot write the bank journal: {}", std::strerror(errno));
      std::abort();
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd_) != 0) {
    spdlog::critical("cannot sync the bank journal: {}", std::strerror(errno));
    std::abort();
  }
}

}  // namespace upi::banks
