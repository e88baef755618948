import Glibc

/// iperf3's `-D/--daemon`: the server goes on in the background, in a session of its
/// own, with standard input, output and error on `/dev/null` (output goes to
/// `--logfile` if given), and the command returns at once.
///
/// `fork` in a process that already runs threads (Swift's runtime does) is unsafe, so
/// the process starts a copy of itself with `posix_spawn` and `POSIX_SPAWN_SETSID`
/// instead, marked by ``childMarker`` in its environment.
public enum Daemon {
  /// The environment variable that tells the copy it is the daemon.
  public static let childMarker = "BONDPERF_DAEMON_CHILD"

  /// Whether this process is the background copy.
  public static var isChild: Bool { getenv(childMarker) != nil }

  /// Starts the background copy with the same arguments (`arguments[0]` kept, so an
  /// `iperf3` link stays `iperf3`) and returns its process id.
  ///
  /// - Throws: A ``PerfError`` when the copy can't be started.
  public static func spawnChild(arguments: [String]) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(0x80))  // POSIX_SPAWN_SETSID
    var environment = [String]()
    var index = 0
    while let entry = environ[index] {
      environment.append(String(cString: entry))
      index += 1
    }
    environment.append("\(childMarker)=1")
    let cArguments = arguments.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup($0) } + [nil]
    defer {
      for pointer in cArguments { free(pointer) }
      for pointer in cEnvironment { free(pointer) }
    }
    var child: pid_t = 0
    let status = posix_spawn(
      &child, "/proc/self/exe", &actions, &attributes, cArguments, cEnvironment)
    guard status == 0 else {
      throw PerfError("unable to become a daemon process: \(Errno(rawValue: status))")
    }
    return child
  }
}
