# ct image verbs: pull, push, login, logout, images, rmi, tag, save, load,
# import, history, and `ct image VERB` (ct-image does the work).
# Sourced by ct.

ct_pull() { need_tool pull pull; tool pull "$@" >/dev/null; }
ct_push() { need_tool push push; tool push "$@"; }
ct_login() { need_tool pull login; tool pull login "$@"; }
ct_logout() { need_tool pull logout; tool pull logout "$@"; }
ct_images() { tool image ls "$@"; }
ct_rmi() { tool image rm "$@"; }
ct_tag() { tool image tag "$@"; }
ct_save() { tool image save "$@"; }
ct_load() { tool image load "$@"; }
ct_import() { tool image import "$@"; }
ct_history() { tool image history "$@"; }

ct_image_pull() { ct_pull "$@"; }
ct_image_push() { ct_push "$@"; }
ct_image_list() { tool image ls "$@"; }
# every other `ct image VERB` is ct-image's own
ct_image_any() { tool image "$@"; }
