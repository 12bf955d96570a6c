#pragma once

namespace ecgscope {

/// A TCP port on the loopback interface that nobody listens on now (the kernel's choice), for a local
/// rendezvous; 29500 when the kernel cannot be asked.
int freeLoopbackPort();

} // namespace ecgscope
