// The desktop's entry point and composition root. Browser modules load
// through the import map's "parley/" prefix; the pure modules (store.js,
// desktop.js, api.js, socket.js, models/) import each other by relative path
// so `node --test tests/web/` can load them without a DOM.

import "parley/components/app.js"
import { ServerClock } from "parley/models/server_clock.js"

const app = document.querySelector("parley-app")
app.start({
  apiBase: new URL("api/v1/", document.baseURI),
  clock: new ServerClock(),
})
