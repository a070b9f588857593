#include "switch/migrations.h"

#include "banks/postgres_bank.h"
#include "ledger/postgres_store.h"
#include "sagas/node_lease.h"

namespace upi::api {

std::vector<pg::Migration> switch_migrations() {
  std::vector<pg::Migration> all = ledger::postgres_migrations();
  for (auto part : {banks::postgres_bank_migrations(), sagas::node_lease_migrations()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

}  // namespace upi::api
