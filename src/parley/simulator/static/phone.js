// The customer phone page: pick or add a customer, chat as them, watch ticks update live.

import { api, mimeOf } from "./api.js";
import { renderChat, previewOf } from "./chat.js";
import { h, initials } from "./dom.js";

const $ = (id) => document.getElementById(id);
const els = {
  select: $("customer"), addCustomer: $("add-customer"), chat: $("chat"), empty: $("empty"),
  composer: $("composer"), message: $("message"), attach: $("attach"), file: $("file"),
  shareLocation: $("share-location"), replyBar: $("reply-bar"), replyWho: $("reply-who"),
  replyText: $("reply-text"), cancelReply: $("cancel-reply"), businessName: $("business-name"),
  businessSub: $("business-sub"), businessAvatar: $("business-avatar"), error: $("error"),
  customerDialog: $("customer-dialog"), customerForm: $("customer-form"),
  locationDialog: $("location-dialog"), locationForm: $("location-form"),
  listDialog: $("list-dialog"), listRows: $("list-rows"),
  sideCustomer: $("side-customer"), sideWindow: $("side-window"),
  sideBusiness: $("side-business"), sideWebhooks: $("side-webhooks"), conn: $("conn"),
};

const state = {
  info: null, customers: [], waId: localStorage.getItem("parley-sim-customer"),
  messages: [], signature: "", replyTo: null, version: -1, reading: false,
};

function showError(error) {
  els.error.hidden = !error;
  els.error.textContent = error ? String(error.message ?? error) : "";
}

async function attempt(work) {
  try {
    showError(null);
    return await work();
  } catch (error) {
    showError(error);
    return null;
  }
}

function current() {
  return state.customers.find((c) => c.wa_id === state.waId) ?? null;
}

function renderCustomers() {
  const options = state.customers.map((c) => {
    const unread = c.unread ? ` (${c.unread})` : "";
    return h("option", { value: c.wa_id, text: `${c.profile_name || "+" + c.wa_id} · +${c.wa_id}${unread}` });
  });
  els.select.replaceChildren(...options);
  if (!current() && state.customers.length) state.waId = state.customers[0].wa_id;
  if (state.waId) els.select.value = state.waId;
  const customer = current();
  els.empty.hidden = Boolean(customer);
  els.composer.setAttribute("aria-disabled", customer ? "false" : "true");
  els.sideCustomer.textContent = customer ? `${customer.profile_name || "(no name)"} · +${customer.wa_id}` : "—";
  els.sideWindow.textContent = !customer ? "—" : customer.window_open
    ? `open until ${new Date((customer.last_inbound_at + 86400) * 1000).toLocaleString()}`
    : "closed (the business may only send templates)";
  showTyping(customer);
}

let typingTimer = null;

// The indicator lapses on its own (WhatsApp shows it at most 25 s): nothing else may redraw.
function showTyping(customer) {
  clearTimeout(typingTimer);
  const typing = Boolean(customer?.typing);
  els.businessSub.textContent = typing ? "typing…" : "WhatsApp Business";
  if (typing) {
    const left = (customer.typing_seconds_left ?? 25) * 1000;
    typingTimer = setTimeout(() => { els.businessSub.textContent = "WhatsApp Business"; }, left);
  }
}

function renderInfo() {
  const info = state.info;
  if (!info) return;
  els.businessName.textContent = info.business_name;
  els.businessAvatar.textContent = initials(info.business_name);
  els.sideBusiness.textContent = `+${info.display_phone_number} (id ${info.phone_number_id})`;
}

const handlers = {
  onReply(message) {
    state.replyTo = message;
    const preview = previewOf(message, state.info?.business_name ?? "Business");
    els.replyWho.textContent = preview.who;
    els.replyText.textContent = preview.text;
    els.replyBar.hidden = false;
    els.message.focus();
  },
  onReact(message, emoji) {
    attempt(() => send({ type: "reaction", reaction: { message_id: message.id, emoji } }, { quote: false, clear: false }));
  },
  onChoice(message, button) {
    const body = button.kind === "reply"
      ? { type: "interactive", interactive: { type: "button_reply", button_reply: { id: button.id, title: button.title } } }
      : { type: "button", button: { text: button.title, payload: button.payload ?? button.title } };
    attempt(() => send({ ...body, context: { id: message.id } }, { quote: false, clear: false }));
  },
  onList(message, list) {
    const rows = [];
    for (const section of list.sections ?? []) {
      if (section.title) rows.push(h("h3", { text: section.title }));
      for (const row of section.rows ?? []) {
        rows.push(h("button", {
          type: "button",
          onClick: () => {
            els.listDialog.close();
            const reply = { id: row.id, title: row.title, ...(row.description ? { description: row.description } : {}) };
            const body = { type: "interactive", interactive: { type: "list_reply", list_reply: reply }, context: { id: message.id } };
            attempt(() => send(body, { quote: false, clear: false }));
          },
        }, row.title, row.description ? h("small", { text: row.description }) : null));
      }
    }
    $("list-dialog-title").textContent = list.button;
    els.listRows.replaceChildren(...rows);
    els.listDialog.showModal();
  },
};

function renderMessages(force = false) {
  renderChat(els.chat, state.messages, { ...handlers, forceScroll: force }, state.info?.business_name ?? "Business");
}

async function refresh(forceScroll = false) {
  const [info, list] = await Promise.all([api.info(), api.customers()]);
  state.info = info;
  state.customers = list.customers;
  renderInfo();
  renderCustomers();
  const customer = current();
  if (!customer) {
    state.messages = [];
    els.chat.replaceChildren();
    return;
  }
  localStorage.setItem("parley-sim-customer", customer.wa_id);
  const data = await api.messages(customer.wa_id);
  const signature = JSON.stringify(data.messages.map((m) => [m.id, m.status, m.reactions]));
  state.messages = data.messages;
  if (signature !== state.signature || forceScroll) {
    state.signature = signature;
    renderMessages(forceScroll);
  }
  markRead(customer);
  api.webhooks().then((w) => {
    els.sideWebhooks.textContent = w.webhook_url
      ? `${w.pending} pending → ${w.webhook_url}` : "no webhook URL set";
  }).catch(() => {});
}

// Viewing the chat reads the business's messages, as the real app does.
function markRead(customer) {
  if (document.visibilityState !== "visible" || state.reading || !customer.unread) return;
  state.reading = true;
  api.read(customer.wa_id).catch(showError).finally(() => { state.reading = false; });
}

// `quote`: attach the message being replied to; `clear`: empty the composer afterwards.
async function send(message, { quote = true, clear = true } = {}) {
  const customer = current();
  if (!customer) throw new Error("Add a customer first.");
  if (quote && state.replyTo) message.context ??= { id: state.replyTo.id };
  await api.send(customer.wa_id, message);
  if (clear) els.message.value = "";
  if (quote) clearReply();
  await refresh(true);
}

function clearReply() {
  state.replyTo = null;
  els.replyBar.hidden = true;
}

function kindOf(file) {
  const type = file.type || "application/octet-stream";
  if (type === "image/webp") return "sticker";
  for (const kind of ["image", "video", "audio"]) if (type.startsWith(`${kind}/`)) return kind;
  return "document";
}

async function sendFile(file) {
  const uploaded = await api.upload(file);
  const kind = uploaded.kind ?? kindOf(file);
  const payload = { id: uploaded.id };
  const caption = els.message.value.trim();
  if (caption && ["image", "video", "document"].includes(kind)) payload.caption = caption;
  if (kind === "document") payload.filename = file.name;
  if (kind === "audio" && mimeOf(file).startsWith("audio/ogg")) payload.voice = true;
  await send({ type: kind, [kind]: payload }, { clear: Boolean(payload.caption) });
}

async function follow() {
  for (;;) {
    try {
      const { version } = await api.changes(state.version);
      els.conn.hidden = true;
      if (version !== state.version) {
        state.version = version;
        await refresh();
      }
    } catch {
      els.conn.hidden = false; // the simulator stopped or restarted: say so, keep trying
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function wire() {
  els.select.addEventListener("change", () => {
    state.waId = els.select.value;
    state.signature = "";
    clearReply();
    attempt(() => refresh(true));
  });
  els.addCustomer.addEventListener("click", () => {
    els.customerForm.reset();
    els.customerDialog.showModal();
  });
  els.customerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(els.customerForm);
    const waId = String(data.get("wa_id")).replace(/\D/g, "");
    attempt(async () => {
      await api.addCustomer(waId, String(data.get("profile_name") ?? "").trim());
      els.customerDialog.close();
      state.waId = waId;
      state.signature = "";
      await refresh(true);
    });
  });
  els.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = els.message.value;
    if (!text.trim()) return;
    attempt(() => send({ type: "text", text: { body: text } }));
  });
  els.message.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      els.composer.requestSubmit();
    }
  });
  els.attach.addEventListener("click", () => els.file.click());
  els.file.addEventListener("change", () => {
    const file = els.file.files?.[0];
    els.file.value = "";
    if (file) attempt(() => sendFile(file));
  });
  els.shareLocation.addEventListener("click", () => els.locationDialog.showModal());
  els.locationForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(els.locationForm));
    const location = { latitude: Number(data.latitude), longitude: Number(data.longitude) };
    if (!Number.isFinite(location.latitude) || !Number.isFinite(location.longitude)) {
      showError(new Error("Latitude and longitude must be numbers."));
      return;
    }
    if (data.name) location.name = data.name;
    if (data.address) location.address = data.address;
    els.locationDialog.close();
    attempt(() => send({ type: "location", location }, { clear: false }));
  });
  els.cancelReply.addEventListener("click", clearReply);
  for (const button of document.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  document.addEventListener("visibilitychange", () => {
    const customer = current();
    if (customer) markRead(customer);
  });
}

wire();
attempt(() => refresh(true)).then(follow);
