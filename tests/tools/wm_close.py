"""Asks the top-level X windows of the process whose id is sys.argv[1] (their _NET_WM_PID)
titled sys.argv[2] to close (GTK's hidden leader window has the process id too), as a window
manager does when a person clicks a window's close button: a WM_DELETE_WINDOW client message.
Prints how many were asked. Used by the tray's end-to-end test (python3-xlib); the windows of
other tests on the same display are left alone."""
import sys

from Xlib import X, display, error, protocol

pid, title = int(sys.argv[1]), sys.argv[2]
d = display.Display()
wm_protocols = d.intern_atom("WM_PROTOCOLS")
wm_delete = d.intern_atom("WM_DELETE_WINDOW")
net_wm_pid = d.intern_atom("_NET_WM_PID")
asked = 0
for w in d.screen().root.query_tree().children:
    try:
        owner = w.get_full_property(net_wm_pid, X.AnyPropertyType)
        name = w.get_wm_name()
        protocols = w.get_wm_protocols() or []
    except error.XError:
        continue  # gone meanwhile
    if owner is not None and pid in owner.value and name == title and wm_delete in protocols:
        message = protocol.event.ClientMessage(
            window=w, client_type=wm_protocols, data=(32, [wm_delete, X.CurrentTime, 0, 0, 0])
        )
        w.send_event(message, event_mask=X.NoEventMask)
        asked += 1
d.flush()
print(asked)
