-- Argo CD health check for the KubeLI kinds (li.kubeli.io: Agency, Collector, Intercept, Mediator).
-- Argo CD sets the global `obj` (the live resource) and expects a table {status, message}.
-- Status values: Healthy, Progressing, Degraded, Suspended.
local hs = {}

local function condition(conditions, ctype)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == ctype then return c end
  end
  return nil
end

local status = obj.status
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end
local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

if obj.kind == "Intercept" then
  local phase = status.phase
  local msg = status.message or ""
  if phase == "Active" then
    hs.status = "Healthy"
  elseif phase == "Expired" then
    hs.status = "Healthy"
    msg = "Window ended: " .. msg
  elseif phase == "Failed" then
    hs.status = "Degraded"
    msg = (status.reason or "Failed") .. ": " .. msg
  elseif phase == "Pending" and status.reason == "WindowNotStarted" then
    hs.status = "Suspended"
  else
    hs.status = "Progressing"
  end
  hs.message = msg
  return hs
end

local valid = condition(status.conditions, "Valid")
local ready = condition(status.conditions, "Ready")
if valid ~= nil and valid.status == "False" then
  hs.status = "Degraded"
  hs.message = valid.message or valid.reason or "Invalid"
elseif ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or ""
elseif ready ~= nil then
  hs.status = "Progressing"
  hs.message = ready.message or ready.reason or ""
else
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
end
return hs
