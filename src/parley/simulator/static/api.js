// Thin client for the simulator's /_sim control API (same origin).

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const message = data?.error?.message ?? `${method} ${path} failed (${response.status})`;
    throw new Error(message);
  }
  return data;
}

const enc = encodeURIComponent;

// WhatsApp's MIME type for a file whose browser type is missing or named otherwise (browsers
// know no type for .amr, and call .m4a audio/x-m4a).
const BY_EXTENSION = {
  amr: "audio/amr", aac: "audio/aac", m4a: "audio/mp4", opus: "audio/ogg", oga: "audio/ogg",
  ogg: "audio/ogg", mp3: "audio/mpeg", "3gp": "video/3gpp", mp4: "video/mp4", webp: "image/webp",
  doc: "application/msword", xls: "application/vnd.ms-excel", ppt: "application/vnd.ms-powerpoint",
};
const ALIASES = { "audio/x-m4a": "audio/mp4", "audio/mp3": "audio/mpeg", "audio/opus": "audio/ogg" };

export function mimeOf(file) {
  const type = String(file.type || "").toLowerCase();
  if (ALIASES[type]) return ALIASES[type];
  if (type && type !== "application/octet-stream") return type;
  const ext = String(file.name || "").split(".").pop().toLowerCase();
  return BY_EXTENSION[ext] ?? type;
}

export const api = {
  info: () => call("GET", "/_sim/info"),
  customers: () => call("GET", "/_sim/customers"),
  addCustomer: (waId, profileName) =>
    call("POST", "/_sim/customers", { wa_id: waId, profile_name: profileName }),
  messages: (waId) => call("GET", `/_sim/customers/${enc(waId)}/messages`),
  send: (waId, message) => call("POST", `/_sim/customers/${enc(waId)}/messages`, message),
  read: (waId) => call("POST", `/_sim/customers/${enc(waId)}/read`),
  upload(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    const type = mimeOf(file);
    if (type) form.append("type", type);
    return call("POST", "/_sim/media", form);
  },
  webhooks: () => call("GET", "/_sim/webhooks?limit=0&body=0"),
  async changes(since, signal) {
    const response = await fetch(`/_sim/changes?since=${since}&timeout=25`, { signal });
    if (!response.ok) throw new Error(`changes failed (${response.status})`);
    return response.json();
  },
};
