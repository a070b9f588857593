// The migration registry: every table the switch keeps in PostgreSQL, by owning module, in the
// order they are applied (pg::migrate records each id, so each runs once per schema).
#pragma once

#include <vector>

#include "common/pg.h"

namespace upi::api {

// ledger/1 (event log), ledger/2 (read views), banks/1 (mock banks' books), sagas/1 (leases).
std::vector<pg::Migration> switch_migrations();

}  // namespace upi::api
