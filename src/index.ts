/**
 * structio: structured concurrency and portable I/O for Node.js, Deno and Bun alike.
 *
 * @example
 * ```ts
 * import { moveOnAfter, sleep, withTaskGroup } from "structio";
 *
 * await withTaskGroup(async (tg) => {
 *   tg.startSoon(sleep, 100);
 *   await moveOnAfter(50, () => sleep(1000));
 * });
 * ```
 *
 * @module
 */
export type { Backend, BackendTimer, RuntimeName, ShutdownSignal, SignalName } from "./backends/backend.ts";
export { currentRuntime } from "./backends/detect.ts";
export { CancelScope, type CancelScopeOptions } from "./core/cancel-scope.ts";
export { cancelShieldedCheckpoint, checkpoint, checkpointIfCancelled } from "./core/checkpoint.ts";
export {
  BrokenResourceError,
  BusyResourceError,
  CalledProcessError,
  Cancelled,
  ClosedResourceError,
  type ConnectionAttempt,
  ConnectionFailed,
  DelimiterNotFound,
  EndOfStream,
  getCancelledErrorClass,
  IncompleteRead,
  isCancelled,
  OSError,
  type OSErrorDetails,
  TaskCancelledError,
  TimeoutError,
  TypedAttributeLookupError,
  WouldBlock,
} from "./core/errors.ts";
export { type ErrorMatcher, ExceptionGroup } from "./core/exception-group.ts";
export { abandonOnCancel, getCancelSignal } from "./core/foreign.ts";
export { getBackend, main, run, type RunOptions } from "./core/run.ts";
export { currentTime, sleep, sleepForever, sleepUntil } from "./core/sleep.ts";
export { getCurrentTask, getRunningTasks, TaskHandle, TaskInfo, type TaskState } from "./core/task.ts";
export { TaskGroup, type TaskStatus, withTaskGroup } from "./core/task-group.ts";
export {
  currentEffectiveDeadline,
  failAfter,
  failAt,
  moveOnAfter,
  moveOnAt,
  type TimeoutOptions,
} from "./core/timeouts.ts";
export {
  CapacityLimiter,
  type CapacityLimiterStatistics,
  Condition,
  type ConditionStatistics,
  Event,
  type EventStatistics,
  Lock,
  type LockOptions,
  type LockStatistics,
  ResourceGuard,
  Semaphore,
  type SemaphoreOptions,
  type SemaphoreStatistics,
} from "./sync/index.ts";
export {
  type AnyByteReceiveStream,
  type AnyByteSendStream,
  type AnyByteStream,
  type AsyncResource,
  BufferedByteReceiveStream,
  BufferedByteStream,
  type ByteReceiveStream,
  type ByteSendStream,
  type ByteStream,
  createMemoryObjectStream,
  type Listener,
  MemoryObjectReceiveStream,
  MemoryObjectSendStream,
  type MemoryObjectStreamStatistics,
  type ObjectReceiveStream,
  type ObjectSendStream,
  type ObjectStream,
  StapledByteStream,
  StapledObjectStream,
  type TextErrors,
  TextReceiveStream,
  TextSendStream,
  TextStream,
  type TextStreamOptions,
  TypedAttribute,
  typedAttribute,
  type TypedAttributeMap,
  TypedAttributeProvider,
  typedAttributeSet,
} from "./streams/index.ts";
export {
  amap,
  AsCompleted,
  asCompleted,
  type ConcurrencyOptions,
  gather,
  type GatherResults,
} from "./concurrency/index.ts";
export {
  type AddressInfo,
  connectTcp,
  ConnectedUDPSocket,
  type ConnectTcpOptions,
  type ConnectTlsOptions,
  connectUnix,
  createConnectedUdpSocket,
  createConnectedUnixDatagramSocket,
  createTcpListener,
  createUdpSocket,
  createUnixDatagramSocket,
  createUnixListener,
  type Datagram,
  getaddrinfo,
  type GetaddrinfoOptions,
  getnameinfo,
  MultiListener,
  type Pem,
  SocketAttribute,
  type SocketFamily,
  SocketListener,
  SocketStream,
  type TcpListenerOptions,
  TLSAttribute,
  type TlsClientOptions,
  TLSListener,
  type TlsListenerOptions,
  type TlsServerOptions,
  TLSStream,
  type TlsWrapOptions,
  UDPSocket,
  type UdpSocketOptions,
  UNIXDatagramSocket,
  type UnixListenerOptions,
} from "./net/index.ts";
export {
  AsyncFile,
  type CopyOptions,
  createTemporaryDirectory,
  type FileKind,
  FileReadStream,
  type FileStat,
  FileStreamAttribute,
  FileWriteStream,
  type FileWriteStreamOptions,
  gettempdir,
  type MkdirOptions,
  mkdtemp,
  NamedTemporaryFile,
  type NamedTemporaryFileOptions,
  type OpenBinaryMode,
  openFile,
  type OpenFileOptions,
  type OpenMode,
  openNamedTemporaryFile,
  openTemporaryFile,
  type OpenTextMode,
  Path,
  type PathLike,
  type ReadTextOptions,
  type TemporaryBinaryMode,
  TemporaryDirectory,
  type TemporaryDirectoryOptions,
  type TemporaryFileOptions,
  type TemporaryNameOptions,
  type TemporaryTextMode,
  type TouchOptions,
  type WalkEntry,
  type WalkOptions,
} from "./fs/index.ts";
export {
  CompletedProcess,
  openProcess,
  type OpenProcessOptions,
  Process,
  type ProcessCommand,
  ProcessReceiveStream,
  ProcessSendStream,
  runProcess,
  type RunProcessOptions,
  type StdioOption,
} from "./process/index.ts";
export { openSignalReceiver, SignalReceiver } from "./signals/index.ts";
