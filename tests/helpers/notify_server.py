#!/usr/bin/python3
"""A recording org.freedesktop.Notifications server, for tests.

Owns org.freedesktop.Notifications on the bus named by DBUS_SESSION_BUS_ADDRESS
and writes each Notify call as one JSON line to --log FILE:
  {"app_name", "replaces_id", "app_icon", "summary", "body", "actions",
   "hints": {"urgency": 1, "category": "x-feedwatch.hit", ...}, "expire_timeout", "id",
   "time": Unix seconds (float) when the call came}
(the line is written and flushed before the reply is sent). Writes "ready" to
--ready FILE once the name is owned. Exits when the bus goes away, or on
SIGTERM/SIGINT.

Options:
  --no-markup   GetCapabilities lacks "body-markup" (the client must send plain text)
  --no-actions  GetCapabilities lacks "actions"
  --hang        never reply to Notify (the call is still logged)
  --delay SECS  reply to Notify after SECS seconds
  --invoke ACTION  right after each reply, emit ActionInvoked(id, ACTION) and then
                NotificationClosed(id, 2), as a server does when the user clicks
  --control FILE  read commands appended to FILE (checked every 0.1 s), one a line:
                  invoke ID|last ACTION   ActionInvoked, then NotificationClosed(id, 2)
                  close ID|last           NotificationClosed(id, 1: expired)
                "last" is the id of the latest Notify call.

Needs /usr/bin/python3 with python3-gi (Debian: python3-gi, gir1.2-glib-2.0).

Recipe (a private session bus that dies with the test):

    dbus-daemon --session --fork --print-address=3 --print-pid=4 3>"$T/bus.addr" 4>"$T/bus.pid"
    export DBUS_SESSION_BUS_ADDRESS=$(cat "$T/bus.addr")
    /usr/bin/python3 tests/helpers/notify_server.py --log "$T/notify.log" --ready "$T/ready" &
    while [ ! -s "$T/ready" ]; do sleep 0.05; done     # (bound this loop)
    ... run feedwatch; then read "$T/notify.log" (one JSON object a line) ...
    kill "$(cat "$T/bus.pid")"    # the server exits when its bus goes away

`dbus-daemon --session` on Debian listens on a fresh unix:path=/tmp/dbus-XXXX
socket; --print-address=3 / --print-pid=4 write to those file descriptors.
A quick manual check, with the bus above:

    gdbus call --session --dest org.freedesktop.Notifications \
      --object-path /org/freedesktop/Notifications \
      --method org.freedesktop.Notifications.Notify -- \
      feedwatch 0 '' 'Milei' 'a <b>body</b>' '[]' '{"urgency": <byte 2>}' -1
"""
import argparse
import json
import signal
import sys
import time

import gi

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" name="app_name" direction="in"/>
      <arg type="u" name="replaces_id" direction="in"/>
      <arg type="s" name="app_icon" direction="in"/>
      <arg type="s" name="summary" direction="in"/>
      <arg type="s" name="body" direction="in"/>
      <arg type="as" name="actions" direction="in"/>
      <arg type="a{sv}" name="hints" direction="in"/>
      <arg type="i" name="expire_timeout" direction="in"/>
      <arg type="u" name="id" direction="out"/>
    </method>
    <method name="GetCapabilities">
      <arg type="as" name="capabilities" direction="out"/>
    </method>
    <method name="GetServerInformation">
      <arg type="s" name="name" direction="out"/>
      <arg type="s" name="vendor" direction="out"/>
      <arg type="s" name="version" direction="out"/>
      <arg type="s" name="spec_version" direction="out"/>
    </method>
    <method name="CloseNotification">
      <arg type="u" name="id" direction="in"/>
    </method>
    <signal name="NotificationClosed">
      <arg type="u" name="id"/>
      <arg type="u" name="reason"/>
    </signal>
    <signal name="ActionInvoked">
      <arg type="u" name="id"/>
      <arg type="s" name="action_key"/>
    </signal>
  </interface>
</node>
"""


class Server:
    def __init__(self, opts, conn, loop):
        self.opts = opts
        self.conn = conn
        self.loop = loop
        self.next_id = 1
        self.hung = []          # invocations never answered (--hang)
        self.last_id = 0
        self.log = open(opts.log, "a", encoding="utf-8") if opts.log else None
        self.control_pos = 0

    def emit_action(self, nid, action):
        self.conn.emit_signal(None, PATH, NAME, "ActionInvoked", GLib.Variant("(us)", (nid, action)))
        self.emit_closed(nid, 2)

    def emit_closed(self, nid, reason):
        self.conn.emit_signal(None, PATH, NAME, "NotificationClosed",
                              GLib.Variant("(uu)", (nid, reason)))

    def poll_control(self):
        try:
            with open(self.opts.control, encoding="utf-8") as f:
                f.seek(self.control_pos)
                data = f.read()
        except FileNotFoundError:
            return True
        end = data.rfind("\n")
        if end < 0:
            return True
        self.control_pos += len(data[:end + 1].encode("utf-8"))
        for line in data[:end].splitlines():
            words = line.split()
            if not words:
                continue
            nid = self.last_id if len(words) > 1 and words[1] == "last" else (
                int(words[1]) if len(words) > 1 else 0)
            if words[0] == "invoke" and len(words) == 3:
                self.emit_action(nid, words[2])
            elif words[0] == "close" and len(words) == 2:
                self.emit_closed(nid, 1)
            else:
                print("notify_server.py: bad control line: %r" % line, file=sys.stderr)
        return True

    def record(self, params, nid):
        (app_name, replaces_id, app_icon, summary, body, actions, hints,
         expire_timeout) = params.unpack()
        line = {
            "app_name": app_name,
            "replaces_id": replaces_id,
            "app_icon": app_icon,
            "summary": summary,
            "body": body,
            "actions": list(actions),
            "hints": hints,
            "expire_timeout": expire_timeout,
            "id": nid,
            "time": time.time(),
        }
        if self.log:
            self.log.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
            self.log.flush()

    def method_call(self, conn, sender, path, iface, method, params, inv):
        if method == "Notify":
            replaces = params.unpack()[1]
            nid = replaces if replaces else self.next_id
            if not replaces:
                self.next_id += 1
            self.last_id = nid
            self.record(params, nid)
            reply = GLib.Variant("(u)", (nid,))
            if self.opts.hang:
                self.hung.append(inv)
            elif self.opts.delay > 0:
                GLib.timeout_add(int(self.opts.delay * 1000),
                                 lambda: inv.return_value(reply) and False)
            else:
                inv.return_value(reply)
                if self.opts.invoke:
                    GLib.timeout_add(100, lambda: self.emit_action(nid, self.opts.invoke) and False)
        elif method == "GetCapabilities":
            caps = ["body", "body-hyperlinks", "persistence"]
            if not self.opts.no_markup:
                caps.append("body-markup")
            if not self.opts.no_actions:
                caps.append("actions")
            inv.return_value(GLib.Variant("(as)", (caps,)))
        elif method == "GetServerInformation":
            inv.return_value(GLib.Variant("(ssss)", ("feedwatch-test", "feedwatch", "1.0", "1.2")))
        elif method == "CloseNotification":
            (nid,) = params.unpack()
            conn.emit_signal(None, PATH, NAME, "NotificationClosed",
                             GLib.Variant("(uu)", (nid, 3)))
            inv.return_value(None)
        else:
            inv.return_dbus_error("org.freedesktop.DBus.Error.UnknownMethod", method)


def main():
    ap = argparse.ArgumentParser(description="recording notification server")
    ap.add_argument("--log", help="append one JSON line per Notify call")
    ap.add_argument("--ready", help="write 'ready' here once the name is owned")
    ap.add_argument("--no-markup", action="store_true")
    ap.add_argument("--hang", action="store_true")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--no-actions", action="store_true")
    ap.add_argument("--invoke", metavar="ACTION")
    ap.add_argument("--control", metavar="FILE")
    opts = ap.parse_args()

    addr = GLib.getenv("DBUS_SESSION_BUS_ADDRESS")
    if not addr:
        print("notify_server.py: DBUS_SESSION_BUS_ADDRESS is not set", file=sys.stderr)
        return 2
    conn = Gio.DBusConnection.new_for_address_sync(
        addr,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)
    conn.set_exit_on_close(False)
    loop = GLib.MainLoop()
    srv = Server(opts, conn, loop)
    conn.connect("closed", lambda *a: loop.quit())
    info = Gio.DBusNodeInfo.new_for_xml(XML)
    conn.register_object(PATH, info.interfaces[0], srv.method_call, None, None)

    status = [0]

    def acquired(c, name):
        if opts.ready:
            with open(opts.ready, "w") as f:
                f.write("ready\n")

    def lost(c, name):
        if conn.is_closed():    # the bus went away: a normal end
            loop.quit()
            return
        print("notify_server.py: could not own %s" % name, file=sys.stderr)
        status[0] = 1
        loop.quit()

    if opts.control:
        GLib.timeout_add(100, srv.poll_control)
    Gio.bus_own_name_on_connection(conn, NAME, Gio.BusNameOwnerFlags.DO_NOT_QUEUE,
                                   acquired, lost)
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, lambda: loop.quit() or False)
    loop.run()
    return status[0]


if __name__ == "__main__":
    sys.exit(main())
