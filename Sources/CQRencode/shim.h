// libqrencode (Debian libqrencode-dev), as one Swift module: QR codes for otpauth:// URIs.
#include <qrencode.h>
