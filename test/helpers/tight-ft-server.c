/*
 * A minimal VNC server on Debian's libvncserver with its TightVNC 1.3 file transfer turned on: the
 * code x11vnc -tightfilexfer would run, which Debian 12's x11vnc binary was built without.
 * Usage: tight-ft-server -rfbport PORT -listen 127.0.0.1 -ftproot DIR
 * The framebuffer changes colour every frame, so a client asking for updates always gets some.
 *
 * It runs libvncserver's threaded event loop on purpose. The file-download thread writes each
 * block under the client's send lock, but the single-threaded loop (rfbProcessEvents, x11vnc's
 * default) sends framebuffer updates without that lock, so a download block can land inside an
 * update and corrupt the stream. The threaded loop sends updates under the lock.
 */
#include <rfb/rfb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exported by libvncserver, declared only in its private rfbtightproto.h. */
void rfbRegisterTightVNCFileTransferExtension(void);

enum { WIDTH = 160, HEIGHT = 120 };

int main(int argc, char **argv) {
  /* Before rfbGetScreen: the extension parses -ftproot from the arguments. */
  rfbRegisterTightVNCFileTransferExtension();
  rfbScreenInfoPtr screen = rfbGetScreen(&argc, argv, WIDTH, HEIGHT, 8, 3, 4);
  if (!screen) return 1;
  screen->frameBuffer = calloc(WIDTH * HEIGHT, 4);
  screen->alwaysShared = TRUE;
  screen->ipv6port = 0; /* no IPv6 listener on the default port 5900 */
  rfbInitServer(screen);
  if (screen->listenSock < 0) return 2;
  printf("PORT=%d\n", screen->port);
  fflush(stdout);
  rfbRunEventLoop(screen, -1, TRUE);
  for (unsigned frame = 0; rfbIsActive(screen); frame++) {
    usleep(20000);
    memset(screen->frameBuffer, frame & 0xff, WIDTH * HEIGHT * 4);
    rfbMarkRectAsModified(screen, 0, 0, WIDTH, HEIGHT);
  }
  return 0;
}
