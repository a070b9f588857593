#include "ledger/views.h"

#include <algorithm>
#include <cassert>

#include "common/clock.h"
#include "ledger/payment_events.h"

namespace upi::ledger {

std::string rail_key(const PaymentSummary& p) {
  return p.rail.empty() ? "NONE" : p.rail;
}

std::string payment_id_of(const RecordedEvent& e) {
  return events::payment_id_of_stream(e.stream);
}

namespace {

std::vector<PositionDelta> settlement_deltas(const events::PaymentCompleted& completed) {
  std::vector<PositionDelta> deltas;
  Paise balance = 0;
  for (const auto& leg : completed.settlement) {
    PositionDelta delta{leg.bank, leg.rail, leg.window};
    if (leg.side == "debit") {
      delta.debits = leg.amount;
      balance -= leg.amount;
    } else {
      delta.credits = leg.amount;
      balance += leg.amount;
    }
    deltas.push_back(std::move(delta));
  }
  assert(balance == 0 && "every settlement is double-entry");
  return deltas;
}

void end_payment(PaymentSummary& p, std::string status, std::optional<Reason> reason) {
  assert(p.status == "PENDING" && "a payment ends once");
  p.status = std::move(status);
  p.reason = std::move(reason);
}

std::string handle_of(std::string_view vpa) {
  const auto at = vpa.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(vpa.substr(at + 1));
}

}  // namespace

namespace {

// What fold_summary keeps of a payment's parties and legs.
void note_legs(PaymentSummary& p, const events::PaymentEvent& e) {
  // A refund names its VPAs through its parties; a payment, in its request already.
  if (const auto* payer = std::get_if<events::PayerResolved>(&e)) {
    p.payer_bank = payer->party.bank;
    p.payer_account = payer->party.account;
    if (p.payer_vpa.empty()) p.payer_vpa = payer->party.vpa;
  } else if (const auto* payee = std::get_if<events::PayeeResolved>(&e)) {
    p.payee_bank = payee->party.bank;
    p.payee_account = payee->party.account;
    if (p.payee_vpa.empty()) p.payee_vpa = payee->party.vpa;
  } else if (const auto* debit = std::get_if<events::DebitRequested>(&e)) {
    p.debit_leg_id = debit->leg_id;
  } else if (const auto* credit = std::get_if<events::CreditRequested>(&e)) {
    p.credit_leg_id = credit->leg_id;
  } else if (const auto* reversal = std::get_if<events::ReversalSucceeded>(&e)) {
    if (reversal->reversed) p.reversal_leg_id = reversal->leg_id;
  } else if (const auto* deferred = std::get_if<events::CreditDeferred>(&e)) {
    p.credit_at_ms = deferred->credit_at_ms;
  }
}

}  // namespace

bool starts_summary(const RecordedEvent& e) {
  return e.type == events::kPaymentRequested || e.type == events::kRefundRequested;
}

namespace {

void start_summary(PaymentSummary& p, const RecordedEvent& e, const events::PaymentEvent& first) {
  assert(e.version == 1);
  p = PaymentSummary{};
  p.id = payment_id_of(e);
  p.created_at_ms = e.recorded_at_ms;
  p.first_position = e.position;
  p.owner_node = e.metadata.node_id;
  if (const auto* requested = std::get_if<events::PaymentRequested>(&first)) {
    p.payer_vpa = requested->payer_vpa;
    p.payee_vpa = requested->payee_vpa;
    p.note = requested->note;
    p.amount = requested->amount;
  } else {
    const auto& refund = std::get<events::RefundRequested>(first);
    p.refund_of = refund.payment_id;
    p.note = refund.note;
    p.amount = refund.amount;
  }
}

}  // namespace

std::vector<PositionDelta> fold_summary(PaymentSummary& p, const RecordedEvent& e) {
  auto decoded = events::decode(e);
  assert(decoded.has_value() && "the views read every event the switch writes");
  if (!decoded) return {};
  if (starts_summary(e)) start_summary(p, e, *decoded);
  assert(!p.id.empty() && "a payment's first event is PaymentRequested or RefundRequested");
  p.updated_at_ms = e.recorded_at_ms;
  p.position = e.position;
  if (const auto* rail = std::get_if<events::RailSelected>(&*decoded)) p.rail = rail->rail;
  note_legs(p, *decoded);
  if (std::holds_alternative<events::SagaResumed>(*decoded)) p.owner_node = e.metadata.node_id;
  if (const auto* failed = std::get_if<events::PaymentFailed>(&*decoded))
    end_payment(p, "FAILED", failed->reason);
  if (const auto* reversed = std::get_if<events::PaymentReversed>(&*decoded))
    end_payment(p, "REVERSED", reversed->reason);
  if (const auto* completed = std::get_if<events::PaymentCompleted>(&*decoded)) {
    end_payment(p, "COMPLETED", std::nullopt);
    return settlement_deltas(*completed);
  }
  return {};
}

bool is_settlement_event(const RecordedEvent& e) {
  return e.stream == events::kSettlementStream;
}

SettlementFold initial_settlement() {
  SettlementFold fold;
  fold.cycles[1] = CycleSummary{.cycle = 1};
  return fold;
}

void SettlementFold::payment_folded(PaymentSummary& p, bool was_pending,
                                    const std::vector<PositionDelta>& deltas) {
  if (!was_pending || p.status == "PENDING" || p.status == "FAILED") return;
  assert(p.settlement_cycle == 0 && "a payment ends once");
  touched = true;
  CycleSummary& cycle = cycles[open_cycle];
  assert(cycle.status == kCycleOpen && "payments join only the open cycle");
  p.settlement_cycle = open_cycle;
  add_legs(p);
  if (p.status == "REVERSED") ++cycle.reversed;
  if (p.status != "COMPLETED") return;
  ++cycle.completed;
  cycle.volume += p.amount;
  if (p.rail == kGrossRail) {
    GrossItem item{p.id, "", "", p.amount, p.position};
    for (const auto& d : deltas) (d.debits > 0 ? item.payer_bank : item.payee_bank) = d.bank;
    gross[open_cycle].push_back(std::move(item));
  }
  for (const auto& d : deltas) {
    events::CycleBankRail& row = rows[{open_cycle, d.bank, d.rail}];
    row.bank = d.bank;
    row.rail = d.rail;
    row.debits += d.debits;
    row.credits += d.credits;
    row.debit_count += d.debits > 0 ? 1 : 0;
    row.credit_count += d.credits > 0 ? 1 : 0;
  }
}

void SettlementFold::add_legs(const PaymentSummary& p) {
  auto add = [&](const std::string& bank, const std::string& leg_id, std::string_view kind,
                 const std::string& account) {
    if (leg_id.empty() || bank.empty()) return;  // a stream that names no leg (hand-made)
    legs[{open_cycle, bank}].push_back({leg_id, std::string(kind), account, p.amount});
  };
  if (p.status == "COMPLETED") {
    add(p.payer_bank, p.debit_leg_id, kLegDebit, p.payer_account);
    add(p.payee_bank, p.credit_leg_id, kLegCredit, p.payee_account);
  } else if (p.status == "REVERSED" && !p.reversal_leg_id.empty()) {
    add(p.payer_bank, p.debit_leg_id, kLegDebit, p.payer_account);
    add(p.payer_bank, p.reversal_leg_id, kLegReversal, p.payer_account);
  }
}

void SettlementFold::settlement_event(const RecordedEvent& e) {
  auto decoded = events::decode_settlement(e);
  assert(decoded.has_value() && "the views read every settlement event the switch writes");
  if (!decoded) return;
  touched = true;
  if (const auto* cut = std::get_if<events::SettlementCutOff>(&*decoded)) {
    // The stream's versions make cycle N's cut-off the one after cycle N-1's.
    assert(cut->cycle == open_cycle && e.version == events::cutoff_version(cut->cycle));
    if (cut->cycle != open_cycle) return;
    CycleSummary& cycle = cycles[open_cycle];
    cycle.status = kCycleCutOff;
    cycle.cutoff_at_ms = cut->cutoff_at_ms;
    cycle.cutoff_position = e.position;
    ++open_cycle;
    cycles[open_cycle] = CycleSummary{.cycle = open_cycle};
    return;
  }
  const auto& closed = std::get<events::SettlementCycleClosed>(*decoded);
  auto it = cycles.find(closed.cycle);
  assert(it != cycles.end() && it->second.status == kCycleCutOff && "a cycle closes once cut off");
  if (it == cycles.end() || it->second.status != kCycleCutOff) return;
  it->second.status = kCycleClosed;
  it->second.closed_position = e.position;
}

void ReadViews::count_status(const PaymentSummary& p, int delta) {
  RailStatsRow& row = rail_stats_[rail_key(p)];
  auto& count = row.payments_by_status[p.status];
  count += delta;
  if (count == 0) row.payments_by_status.erase(p.status);  // as a GROUP BY would show it
  if (p.status == "COMPLETED") row.completed_volume += delta * p.amount;
  if (row.payments_by_status.empty()) rail_stats_.erase(rail_key(p));
}

void ReadViews::apply(const RecordedEvent& e) {
  assert(e.position == checkpoint_ + 1 && "events are folded in position order, no gaps");
  checkpoint_ = e.position;
  counters_.apply(e.metadata);
  if (is_settlement_event(e)) return settlement_.settlement_event(e);
  if (std::string collect = events::collect_id_of_stream(e.stream); !collect.empty())
    return apply_collect(e, collect);
  const std::string id = payment_id_of(e);
  if (id.empty()) return;
  if (e.type == events::kPaymentRequested) collects_unpaid_.erase(id);
  auto it = payments_.find(id);
  if (starts_summary(e)) {
    it = payments_.try_emplace(id).first;
  } else if (it == payments_.end()) {
    return;  // an event of a stream that never began properly
  } else {
    count_status(it->second, -1);
  }
  PaymentSummary& p = it->second;
  const bool was_pending = p.status == "PENDING";
  const auto deltas = fold_summary(p, e);
  for (const auto& d : deltas) {
    PositionRow& row = positions_[d.bank][{d.rail, d.window}];
    row.rail = d.rail;
    row.window = d.window;
    row.debits += d.debits;
    row.credits += d.credits;
  }
  count_status(p, +1);
  if (starts_summary(e)) index_new_payment(p);
  if (p.status != "PENDING") pending_.erase(&p);
  settlement_.payment_folded(p, was_pending, deltas);
}

void ReadViews::apply_collect(const RecordedEvent& e, const std::string& id) {
  if (e.version != 1 && !collects_.contains(id)) return;  // a stream that never began properly
  CollectRequest& c = collects_[id];
  if (c.pending() && c.version > 0) collects_pending_.erase({c.expires_at_ms, id});
  fold_collect_event(c, e);
  if (e.version == 1) collects_by_position_[c.first_position] = &c;
  if (c.pending()) collects_pending_.insert({c.expires_at_ms, id});
  if (e.type == events::CollectApproved::kType && !payments_.contains(c.payment_id))
    collects_unpaid_.emplace(c.payment_id, id);
}

CollectPage ReadViews::collects(const CollectQuery& q) const {
  assert(q.limit >= 1 && q.limit <= kListLimitMax);
  CollectPage page;
  std::size_t examined = 0;
  auto it = q.before_position > 0 ? collects_by_position_.lower_bound(q.before_position)
                                  : collects_by_position_.end();
  while (it != collects_by_position_.begin()) {
    const CollectRequest& c = *(--it)->second;
    const bool matches = (q.vpa.empty() || c.payer_vpa == q.vpa || c.payee_vpa == q.vpa) &&
                         (q.handle.empty() || handle_of(c.payer_vpa) == q.handle ||
                          handle_of(c.payee_vpa) == q.handle) &&
                         (q.status.empty() || c.status == q.status);
    if (matches && page.items.size() == q.limit) {
      page.next_cursor = page.items.back().first_position;
      break;
    }
    if (matches) page.items.push_back(c);
    if (++examined == kListExaminedMax) {
      page.next_cursor = c.first_position;
      break;
    }
  }
  return page;
}

const CollectRequest* ReadViews::collect(const std::string& id) const {
  auto it = collects_.find(id);
  return it == collects_.end() ? nullptr : &it->second;
}

std::vector<std::string> ReadViews::collects_expired(std::int64_t now_ms, std::size_t limit) const {
  std::vector<std::string> out;
  for (auto it = collects_pending_.begin();
       it != collects_pending_.end() && it->first <= now_ms && out.size() < limit; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<std::string> ReadViews::collects_unpaid(std::size_t limit) const {
  std::vector<std::string> out;
  for (auto it = collects_unpaid_.begin(); it != collects_unpaid_.end() && out.size() < limit;
       ++it) {
    out.push_back(it->second);
  }
  return out;
}

void ReadViews::index_new_payment(const PaymentSummary& p) {
  pending_.insert(&p);
  if (!p.refund_of.empty()) {
    refunds_[p.refund_of].insert(&p);
    return;
  }
  vpa_history_[p.payer_vpa].insert(&p);
  vpa_history_[p.payee_vpa].insert(&p);
  handle_history_[handle_of(p.payer_vpa)].insert(&p);
  handle_history_[handle_of(p.payee_vpa)].insert(&p);
}

const PaymentSummary* ReadViews::payment(const std::string& id) const {
  auto it = payments_.find(id);
  return it == payments_.end() ? nullptr : &it->second;
}

void sort_by_ledger_order(std::vector<PaymentSummary>& summaries) {
  std::sort(summaries.begin(), summaries.end(),
            [](const PaymentSummary& a, const PaymentSummary& b) {
              return a.first_position < b.first_position;
            });
}

std::vector<PaymentSummary> ReadViews::refunds(const std::string& payment_id) const {
  std::vector<PaymentSummary> out;
  auto it = refunds_.find(payment_id);
  if (it == refunds_.end()) return out;
  for (const PaymentSummary* p : it->second) out.push_back(*p);
  assert(out.size() <= kRefundsListedMax && "the ledger bounds a payment's refunds");
  sort_by_ledger_order(out);
  return out;
}

std::vector<PendingPayment> ReadViews::pending_payments(std::string_view after_id,
                                                        std::size_t limit) const {
  std::vector<PendingPayment> pending;
  for (auto it = pending_.upper_bound(after_id); it != pending_.end(); ++it) {
    const PaymentSummary* p = *it;
    if (pending.size() == limit) break;
    assert(p->status == "PENDING");
    pending.push_back({p->id, p->owner_node, p->updated_at_ms});
  }
  return pending;
}

PaymentPage ReadViews::list_payments(const ListQuery& query) const {
  assert(query.limit >= 1 && query.limit <= kListLimitMax);
  PaymentPage page;
  std::size_t examined = 0;
  // Takes p if it matches; false once the page is done (full, or enough payments looked at).
  auto take = [&](const PaymentSummary& p) {
    const bool matches = p.refund_of.empty() &&
                         (query.status.empty() || p.status == query.status) &&
                         (query.rail.empty() || p.rail == query.rail) &&
                         (query.handle.empty() || handle_of(p.payer_vpa) == query.handle ||
                          handle_of(p.payee_vpa) == query.handle);
    if (matches && page.items.size() == query.limit) {
      page.next_cursor = page.items.back().id;
      return false;
    }
    if (matches) page.items.push_back(p);
    if (++examined == kListExaminedMax) {
      page.next_cursor = p.id;  // the next page goes on from the payments older than p
      return false;
    }
    return true;
  };
  if (!query.vpa.empty() || !query.handle.empty()) {
    // The shorter index to walk: a VPA's payments, else the PSP's.
    const auto& index = query.vpa.empty() ? handle_history_ : vpa_history_;
    auto history = index.find(query.vpa.empty() ? query.handle : query.vpa);
    if (history == index.end()) return page;
    const PaymentIndex& ids = history->second;
    auto it = query.cursor.empty() ? ids.end() : ids.lower_bound(std::string_view(query.cursor));
    while (it != ids.begin() && take(**--it)) {
    }
    return page;
  }
  auto it = query.cursor.empty() ? payments_.end() : payments_.lower_bound(query.cursor);
  while (it != payments_.begin() && take((--it)->second)) {
  }
  return page;
}

std::vector<PositionRow> ReadViews::positions(const std::string& bank) const {
  std::vector<PositionRow> rows;
  auto it = positions_.find(bank);
  if (it == positions_.end()) return rows;
  for (const auto& [key, row] : it->second) rows.push_back(row);
  return rows;
}

Paise ReadViews::positions_total() const {
  Paise total = 0;
  for (const auto& [bank, rows] : positions_) {
    for (const auto& [key, row] : rows) total += row.net();
  }
  return total;
}

std::vector<CycleSummary> ReadViews::cycles(std::int64_t before_cycle, std::size_t limit) const {
  assert(limit >= 1 && limit <= kCycleListLimitMax);
  std::vector<CycleSummary> out;
  auto it =
      before_cycle > 0 ? settlement_.cycles.lower_bound(before_cycle) : settlement_.cycles.end();
  while (it != settlement_.cycles.begin() && out.size() < limit) out.push_back((--it)->second);
  return out;
}

std::optional<CycleReport> ReadViews::cycle(std::int64_t cycle) const {
  auto it = settlement_.cycles.find(cycle);
  if (it == settlement_.cycles.end()) return std::nullopt;
  CycleReport report{it->second, {}};
  for (auto row = settlement_.rows.lower_bound({cycle, "", ""});
       row != settlement_.rows.end() && std::get<0>(row->first) == cycle; ++row) {
    report.rows.push_back(row->second);
  }
  auto gross = settlement_.gross.find(cycle);
  if (gross == settlement_.gross.end()) return report;
  const auto& items = gross->second;
  report.gross_items.assign(items.begin(),
                            items.begin() + std::min(items.size(), kGrossItemsShown));
  return report;
}

CycleLegs ReadViews::cycle_legs(std::int64_t cycle, const std::string& bank) const {
  CycleLegs out;
  for (auto it = settlement_.legs.lower_bound({cycle, bank});
       it != settlement_.legs.end() && it->first.first == cycle; ++it) {
    if (!bank.empty() && it->first.second != bank) break;
    std::vector<SettledLeg>& legs = out[it->first.second] = it->second;
    std::sort(legs.begin(), legs.end(),
              [](const SettledLeg& a, const SettledLeg& b) { return a.leg_id < b.leg_id; });
  }
  return out;
}

json::object settled_leg_to_json(const SettledLeg& leg) {
  return json::object{{"leg_id", leg.leg_id},
                      {"kind", leg.kind},
                      {"account", leg.account},
                      {"amount", format_money(leg.amount)}};
}

bool consistent(const CycleReport& report) {
  Paise debits = 0, net = 0;
  std::int64_t debit_legs = 0;
  for (const auto& row : report.rows) {
    debits += row.debits;
    debit_legs += row.debit_count;
    net += row.net();
  }
  return debits == report.summary.volume && debit_legs == report.summary.completed && net == 0;
}

json::object cycle_summary_to_json(const CycleSummary& c) {
  return json::object{{"cycle", c.cycle},
                      {"status", c.status},
                      {"cutoff_at_ms", c.cutoff_at_ms},
                      {"cutoff_position", c.cutoff_position},
                      {"closed_position", c.closed_position},
                      {"completed", c.completed},
                      {"reversed", c.reversed},
                      {"volume", format_money(c.volume)}};
}

json::object cycle_row_to_json(std::int64_t cycle, const events::CycleBankRail& row) {
  return json::object{{"cycle", cycle},
                      {"bank", row.bank},
                      {"rail", row.rail},
                      {"debits", format_money(row.debits)},
                      {"credits", format_money(row.credits)},
                      {"debit_count", row.debit_count},
                      {"credit_count", row.credit_count}};
}

json::object gross_item_to_json(const GrossItem& item) {
  return json::object{{"payment_id", item.payment_id},
                      {"payer_bank", item.payer_bank},
                      {"payee_bank", item.payee_bank},
                      {"amount", format_money(item.amount)},
                      {"ledger_position", item.position}};
}

json::object reason_to_json(const Reason& r) {
  return json::object{{"code", r.code}, {"upi_code", r.upi_code}, {"message", r.message}};
}

json::object summary_to_json(const PaymentSummary& p) {
  json::object o{{"id", p.id},
                 {"status", p.status},
                 {"payer_vpa", p.payer_vpa},
                 {"payee_vpa", p.payee_vpa},
                 {"amount", format_money(p.amount)},
                 {"currency", "INR"},
                 {"note", p.note},
                 {"created_at", format_timestamp(p.created_at_ms)},
                 {"updated_at", format_timestamp(p.updated_at_ms)},
                 {"ledger_position", p.position}};
  o["rail"] = p.rail.empty() ? json::value(nullptr) : json::value(p.rail);
  o["reason"] = p.reason ? json::value(reason_to_json(*p.reason)) : json::value(nullptr);
  o["neft_batch"] = neft_batch_to_json(p.credit_at_ms);
  return o;
}

json::object collect_request_to_json(const CollectRequest& c) {
  json::object o{{"id", c.id},
                 {"status", c.status},
                 {"payee_vpa", c.payee_vpa},
                 {"payer_vpa", c.payer_vpa},
                 {"amount", format_money(c.amount)},
                 {"currency", "INR"},
                 {"note", c.note},
                 {"expires_at", format_timestamp(c.expires_at_ms)},
                 {"created_at", format_timestamp(c.created_at_ms)},
                 {"updated_at", format_timestamp(c.updated_at_ms)},
                 {"ledger_position", c.position}};
  o["payment_id"] = c.payment_id.empty() ? json::value(nullptr) : json::value(c.payment_id);
  o["reason"] = c.reason ? json::value(reason_to_json(*c.reason)) : json::value(nullptr);
  return o;
}

json::object refund_summary_to_json(const PaymentSummary& p) {
  assert(!p.refund_of.empty() && "a refund names its payment");
  json::object o = summary_to_json(p);
  o["payment_id"] = p.refund_of;
  return o;
}

json::value neft_batch_to_json(std::int64_t credit_at_ms) {
  if (credit_at_ms == 0) return nullptr;
  return json::object{{"id", events::neft_batch_id(credit_at_ms)},
                      {"credit_at", format_timestamp(credit_at_ms)}};
}

json::object position_to_json(const PositionRow& row) {
  return json::object{{"rail", row.rail},
                      {"window", row.window},
                      {"debits", format_money(row.debits)},
                      {"credits", format_money(row.credits)}};
}

json::object rail_stats_to_json(const RailStatsRow& row) {
  json::object counts;
  for (const auto& [status, n] : row.payments_by_status) counts[status] = n;
  return json::object{{"payments", std::move(counts)},
                      {"completed_volume", format_money(row.completed_volume)}};
}

json::object ReadViews::snapshot() const {
  json::object out;
  out["checkpoint"] = checkpoint_;
  json::array payments;
  for (const auto& [id, p] : payments_) {
    json::object row = summary_to_json(p);
    row["owner_node"] = p.owner_node;
    row["settlement_cycle"] = p.settlement_cycle;
    row["refund_of"] = p.refund_of;
    payments.push_back(std::move(row));
  }
  out["payments"] = std::move(payments);
  json::object history;
  for (const auto& [vpa, ids] : vpa_history_) {
    json::array list;
    for (const PaymentSummary* p : ids) list.push_back(json::value(p->id));
    history[vpa] = std::move(list);
  }
  out["vpa_history"] = std::move(history);
  json::array collects;
  for (const auto& [id, c] : collects_) collects.push_back(collect_request_to_json(c));
  out["collects"] = std::move(collects);
  json::object positions;
  for (const auto& [bank, rows] : positions_) {
    json::array list;
    for (const auto& [key, row] : rows) list.push_back(position_to_json(row));
    positions[bank] = std::move(list);
  }
  out["positions"] = std::move(positions);
  json::object stats;
  for (const auto& [rail, row] : rail_stats_) stats[rail] = rail_stats_to_json(row);
  out["rail_stats"] = std::move(stats);
  json::array cycles, cycle_rows;
  for (const auto& [n, c] : settlement_.cycles) cycles.push_back(cycle_summary_to_json(c));
  for (const auto& [key, row] : settlement_.rows)
    cycle_rows.push_back(cycle_row_to_json(std::get<0>(key), row));
  json::array gross;
  for (const auto& [cycle, items] : settlement_.gross) {
    for (const auto& item : items) {
      json::object o = gross_item_to_json(item);
      o["cycle"] = cycle;
      gross.push_back(std::move(o));
    }
  }
  out["settlement_cycles"] = std::move(cycles);
  out["settlement_rows"] = std::move(cycle_rows);
  out["settlement_gross"] = std::move(gross);
  out["counters"] = counters_to_json(counters_.values());
  json::array legs;
  for (const auto& [cycle, summary] : settlement_.cycles) {
    for (const auto& [bank, list] : cycle_legs(cycle)) {
      for (const auto& leg : list) {
        json::object o = settled_leg_to_json(leg);
        o["cycle"] = cycle;
        o["bank"] = bank;
        legs.push_back(std::move(o));
      }
    }
  }
  out["settlement_legs"] = std::move(legs);
  return out;
}

std::map<std::string, std::int64_t> ReadViews::counters(std::string_view prefix,
                                                        std::size_t limit) const {
  std::map<std::string, std::int64_t> out;
  for (auto it = counters_.values().lower_bound(prefix);
       it != counters_.values().end() && it->first.starts_with(prefix) && out.size() < limit; ++it)
    out.insert(*it);
  return out;
}

json::object counters_to_json(const std::map<std::string, std::int64_t, std::less<>>& values) {
  json::object out;
  for (const auto& [name, value] : values) {
    if (value != 0) out[name] = value;  // a counter back at zero reads as one never charged
  }
  return out;
}

}  // namespace upi::ledger
