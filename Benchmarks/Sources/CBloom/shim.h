// libbloom's header, installed by Debian's libbloom-dev in /usr/include.
#include <bloom.h>
