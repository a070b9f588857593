#include "ledger/event_codec.h"

#include <gtest/gtest.h>

namespace upi::ledger {
namespace {

RecordedEvent sample(json::object data, Metadata metadata) {
  RecordedEvent e;
  e.stream = "payment-pay_0559";
  e.version = 7;
  e.type = "DebitRequested";
  e.data = std::move(data);
  e.metadata = std::move(metadata);
  e.recorded_at_ms = 1'795'000'000'123;
  e.hash = std::string(64, 'a');
  return e;
}

RecordedEvent round_trip(EventCodec& codec, const RecordedEvent& e) {
  std::string encoded;
  codec.encode(e, 42, encoded);
  EXPECT_EQ(EventCodec::stream_id(encoded), 42u);
  EXPECT_EQ(EventCodec::hash_hex(encoded), e.hash);
  return codec.decode(encoded, e.stream);
}

TEST(EventCodec, GivesBackEveryKindOfValueInOrder) {
  EventCodec codec;
  const auto data = parse_json_object(R"({"z":null,"t":true,"f":false,"neg":-9007199254740993,
      "big":18446744073709551615,"half":0.5,"s":"₹ paise \u0000 end","empty":{},"list":[1,[2,{"a":"b"}],[]],
      "nested":{"amount":"1500.00","legs":[{"leg_id":"leg_1"}]}})")
                        .value();
  const RecordedEvent e = sample(data, Metadata{"pay_0559", "payment-pay_0559@3", "k-1", "node-7"});
  const RecordedEvent back = round_trip(codec, e);
  EXPECT_EQ(to_json(back.data), to_json(e.data));  // same members, same order
  EXPECT_EQ(back.data.at("big").kind(), json::kind::uint64);
  EXPECT_EQ(back.data.at("neg").kind(), json::kind::int64);
  EXPECT_EQ(back.type, e.type);
  EXPECT_EQ(back.version, 7);
  EXPECT_EQ(back.recorded_at_ms, e.recorded_at_ms);
  EXPECT_EQ(back.metadata.correlation_id, "pay_0559");
  EXPECT_EQ(back.metadata.causation_id, "payment-pay_0559@3");
  EXPECT_EQ(back.metadata.idempotency_key, "k-1");
  EXPECT_EQ(back.metadata.node_id, "node-7");
}

TEST(EventCodec, GivesBackCounterChargesAndTheirHashStillMatches) {
  EventCodec codec;
  Metadata meta{"pay_1", "", "", "node-1"};
  meta.charges = {{"net_debit_paise/HDFC", 5'000'00, 100'000'00},
                  {"net_debit_paise/SBI", -7, std::nullopt}};
  RecordedEvent e = sample({}, meta);
  e.hash = compute_hash(e);
  const RecordedEvent back = round_trip(codec, e);
  EXPECT_EQ(back.metadata.charges, meta.charges);
  EXPECT_EQ(compute_hash(back), e.hash);
  // The JSON form (PostgreSQL keeps metadata as JSON text) reads back the same.
  EXPECT_EQ(metadata_from_json(metadata_to_json(meta)).charges, meta.charges);
}

TEST(EventCodec, WritesMetadataThatOnlyLooksLikeAReferenceAsItIs) {
  EventCodec codec;
  for (const char* causation : {"payment-pay_0559@01", "payment-pay_0559@", "payment-pay_0559@1x",
                                "payment-pay_05590@1", "other-pay_0559@1", "pay_0559"}) {
    const RecordedEvent back =
        round_trip(codec, sample({}, Metadata{"pay_0559x", causation, "", ""}));
    EXPECT_EQ(back.metadata.causation_id, causation);
    EXPECT_EQ(back.metadata.correlation_id, "pay_0559x");
  }
}

TEST(EventCodec, WritesNamesInlineOnceTheTableIsFull) {
  EventCodec codec;
  json::object data;
  for (std::size_t i = 0; i < Interner::kNamesMax + 10; ++i) data["k" + std::to_string(i)] = i;
  const RecordedEvent back = round_trip(codec, sample(data, {}));
  EXPECT_EQ(to_json(back.data), to_json(data));
}

TEST(EventCodec, IsSmallerThanTheEventsJson) {
  EventCodec codec;
  const auto data = parse_json_object(R"({"leg_id":"leg_0559_d1","bank":"HDFC","account":"1001",
      "amount":"1500.00","rail":"IMPS"})")
                        .value();
  const RecordedEvent e = sample(data, Metadata{"pay_0559", "payment-pay_0559@4", "", "node-0"});
  std::string first, second;
  codec.encode(e, 1, first);
  codec.encode(e, 1, second);  // names interned by now
  EXPECT_LT(second.size(), to_json(event_to_json(e)).size() / 3);
}

}  // namespace
}  // namespace upi::ledger
