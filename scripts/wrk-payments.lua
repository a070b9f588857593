-- wrk script: POST /v1/payments with a fresh Idempotency-Key each time, `Prefer: wait=5`, as
-- the payer's PSP with the demo credentials' keys (specs/demo-credentials.json); counts the
-- answers that are 201 and COMPLETED. Used by scripts/bench-embedded.sh and stall-check.sh.
local payers = {{"alice@okaxis", "okaxis"}, {"bob@ybl", "ybl"}, {"dev@okhdfc", "okhdfc"},
                {"hari@okhdfc", "okhdfc"}}
local payees = {"carol@paytm", "esha@ybl", "gita@paytm", "farhan@okaxis"}
local threads = {}
local sent = 0
completed = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  run_id = args[1] or tostring(os.time())
end

function request()
  sent = sent + 1
  local payer = payers[sent % #payers + 1]
  local payee = payees[math.floor(sent / #payers) % #payees + 1]
  local body = string.format('{"payer_vpa":"%s","payee_vpa":"%s","amount":"0.01"}', payer[1], payee)
  local headers = {
    ["Authorization"] = "Bearer demo-" .. payer[2] .. "-key",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("wrk-%s-%d-%d", run_id, thread_id, sent),
    ["Prefer"] = "wait=5",
  }
  return wrk.format("POST", "/v1/payments", headers, body)
end

function response(status, headers, body)
  if status == 201 and body:find('"status":"COMPLETED"', 1, true) then
    completed = completed + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("completed") end
  io.write(string.format("completed_payments %d\n", total))
  io.write(string.format("completed_per_second %.0f\n", total / (summary.duration / 1e6)))
  io.write(string.format("p99_ms %.2f\n", latency:percentile(99) / 1000))
end
