// The desktop's parts: importing this module registers every one of them
// (each module calls registerPanel). A new feature adds its module here.

import "./status.js"
import "./interaction_bar.js"
import "./control_bar.js"
import "./transcript.js"
import "./composer.js"
import "./case_info.js"
import "./history.js"
import "./directory.js"
import "./workbins_view.js"
import "./notification.js"
import "./responses.js"
import "./library_admin.js"
import "./floor_view.js"
import "./admin_view.js"
