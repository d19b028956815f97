"""Asks the top-level X windows whose name contains sys.argv[1] to close, as a window manager
does when a person clicks a window's close button: a WM_DELETE_WINDOW client message. Prints
how many were asked. Used by the tray's end-to-end test (python3-xlib)."""
import sys

from Xlib import X, display, error, protocol

d = display.Display()
wm_protocols = d.intern_atom("WM_PROTOCOLS")
wm_delete = d.intern_atom("WM_DELETE_WINDOW")
asked = 0
for w in d.screen().root.query_tree().children:
    try:
        name = w.get_wm_name()
        protocols = w.get_wm_protocols() or []
    except error.XError:
        continue  # gone meanwhile, or not ours to read
    if name and sys.argv[1] in str(name) and wm_delete in protocols:
        message = protocol.event.ClientMessage(
            window=w, client_type=wm_protocols, data=(32, [wm_delete, X.CurrentTime, 0, 0, 0])
        )
        w.send_event(message, event_mask=X.NoEventMask)
        asked += 1
d.flush()
print(asked)
