# A real RTSP server for SourcesRtspIT: GStreamer's gst-rtsp-server (Debian: python3-gi,
# gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good and -bad; see .ci/deps) serving one FLV clip's H.264 and
# AAC as RTP, interleaved over the RTSP TCP connection only (RFC 2326 10.12), behind Basic authentication.
#   usage: rtsp_server.py CLIP USER PASSWORD   -> prints the bound port (127.0.0.1, port 0), serves /cam;
#   exits when its stdin closes (the test's end, or the test JVM's death).
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

Gst.init(None)
clip, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service('0')
factory = GstRtspServer.RTSPMediaFactory()
# each client gets its own pipeline, paced by the clock: the clip from its start, in real time
factory.set_launch('( filesrc location="%s" ! flvdemux name=d'
                   ' d.video ! queue ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1'
                   ' d.audio ! queue ! aacparse ! rtpmp4gpay name=pay1 pt=97 )' % clip)
factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
auth = GstRtspServer.RTSPAuth()
token = GstRtspServer.RTSPToken()
token.set_string('media.factory.role', 'viewer')
auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
server.set_auth(auth)
permissions = GstRtspServer.RTSPPermissions()
permissions.add_permission_for_role('viewer', 'media.factory.access', True)
permissions.add_permission_for_role('viewer', 'media.factory.construct', True)
factory.set_permissions(permissions)
server.get_mount_points().add_factory('/cam', factory)
server.attach(None)
print(server.get_bound_port(), flush=True)
loop = GLib.MainLoop()
GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP, lambda *unused: loop.quit())
loop.run()
