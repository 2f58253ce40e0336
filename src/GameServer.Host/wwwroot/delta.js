// Delta snapshots (gameserver.v2): rebuilds the Snapshot (11) body a Delta (16) stands for, from the body of the last
// snapshot applied. Pure functions on decoded MessagePack values; the C# counterparts are DeltaFormatter.Apply and
// ArenaDelta.Apply (src/GameServer.Protocol), which are the reference when this file and they disagree.
//   Snapshot body: [tick, serverTimeMs, acks, gameState]      acks: flat [entityId, seq, ...]
//   Delta body:    [tick, baseTick, serverTimeMs, [step, changes, removed], gameDelta]
// Nothing here mutates its inputs: the base may still be referenced by the caller.

// @msgpack/msgpack gives numbers for every int the server sends; accept bigint too, as demo.js does.
const num = (v) => (typeof v === "bigint" ? Number(v) : v);

// Arena delta record mask bits (ArenaDelta.XBit..HpBit), in the order their differences follow; field = index in the
// entity record [id, x, y, vx, vy, hp].
const ARENA_FIELDS = [[1, 1], [2, 2], [4, 3], [8, 4], [16, 5]];
const ARENA_MASK_ALL = 31;

/** The delta's base tick, or NaN when `body` is not a delta body. */
export function deltaBaseTick(body) {
  return Array.isArray(body) && body.length >= 5 ? num(body[1]) : NaN;
}

/**
 * The Snapshot (11) body `[tick, serverTimeMs, acks, gameState]` that the Delta (16) `deltaBody` describes, applied to
 * `baseBody` (the body of the snapshot of its base tick, itself full or rebuilt). Throws when the delta does not fit.
 */
export function applyDelta(baseBody, deltaBody) {
  if (!Array.isArray(deltaBody) || deltaBody.length < 5) throw new Error("a delta needs [tick, baseTick, serverTimeMs, acks, gameDelta]");
  const [tick, baseTick, serverTimeMs, ackDelta, gameDelta] = deltaBody;
  if (num(baseTick) !== num(baseBody[0])) throw new Error(`the delta of tick ${tick} applies to tick ${baseTick}, not ${baseBody[0]}`);
  const acks = applyAckDelta(baseBody[2] || [], ackDelta);
  // nil: the game state did not change.
  const state = gameDelta === null || gameDelta === undefined ? baseBody[3] : applyArenaDelta(baseBody[3], gameDelta);
  return [num(tick), num(serverTimeMs), acks, state];
}

/**
 * Acks after `[step, changes, removed]`: the base's players in their order (minus the removed), each seq + step unless
 * listed in changes (then + its change); then the players not in the base, in listed order, whose change is their seq.
 */
export function applyAckDelta(baseAcks, ackDelta) {
  if (!Array.isArray(ackDelta) || ackDelta.length < 3) throw new Error("delta acks need [step, changes, removed]");
  const step = num(ackDelta[0]);
  const changes = ackDelta[1] || [];
  const removed = new Set((ackDelta[2] || []).map(num));
  if (changes.length % 2 !== 0) throw new Error("delta ack changes must be [entityId, change] pairs");
  const changeOf = new Map();
  for (let i = 0; i < changes.length; i += 2) changeOf.set(num(changes[i]), num(changes[i + 1]));

  const out = [];
  const inBase = new Set();
  for (let i = 0; i + 1 < baseAcks.length; i += 2) {
    const id = num(baseAcks[i]);
    inBase.add(id);
    if (removed.has(id)) continue;
    const change = changeOf.has(id) ? changeOf.get(id) : step;
    out.push(id, checkedSeq(num(baseAcks[i + 1]) + change, id));
  }
  for (let i = 0; i < changes.length; i += 2) {
    const id = num(changes[i]);
    if (!inBase.has(id)) out.push(id, checkedSeq(num(changes[i + 1]), id));
  }
  return out;
}

function checkedSeq(value, id) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`the delta takes entity ${id}'s ack out of range (${value})`);
  return value;
}

/**
 * The arena state (`[[id, x, y, vx, vy, hp], ...]`, wire values) after the arena game delta `[updates, removed]`.
 * updates is one flat list of records `id, mask, d...` (one difference per mask bit, in bit order); an entity not in
 * `baseState` starts from all zeros and is appended, in listed order, after the previous ones (minus the removed).
 */
export function applyArenaDelta(baseState, gameDelta) {
  if (!Array.isArray(gameDelta) || gameDelta.length < 2) throw new Error("an arena delta must be [updates, removed]");
  const updates = gameDelta[0] || [];
  const removed = new Set((gameDelta[1] || []).map(num));
  const entities = (baseState || []).map((e) => [num(e[0]), num(e[1]), num(e[2]), num(e[3]), num(e[4]), num(e[5])]);
  const byId = new Map(entities.map((e) => [e[0], e]));
  const added = [];

  let i = 0;
  while (i < updates.length) {
    if (updates.length - i < 2) throw new Error("an arena delta record needs an entity id and a mask");
    const id = num(updates[i]);
    const mask = num(updates[i + 1]);
    i += 2;
    if (!Number.isInteger(mask) || mask < 0 || mask > ARENA_MASK_ALL) throw new Error(`arena delta mask ${mask} of entity ${id} has unknown bits`);
    let entity = byId.get(id);
    if (entity === undefined) {
      entity = [id, 0, 0, 0, 0, 0];
      byId.set(id, entity);
      added.push(entity);
    }
    for (const [bit, field] of ARENA_FIELDS) {
      if ((mask & bit) === 0) continue;
      if (i >= updates.length) throw new Error(`arena delta record of entity ${id} is cut short`);
      entity[field] += num(updates[i++]);
    }
    if (entity[5] < 0 || entity[5] > 255) throw new Error(`arena delta takes entity ${id}'s hp out of range (${entity[5]})`);
  }
  return entities.filter((e) => !removed.has(e[0])).concat(added);
}
