import EventRuntime
import Foundation

/// Which file holds a workspace's state, as a request sees it: the shard file of the workspace
/// (`IngressDatabases`), read and written through this replica's edge pool whoever owns the shard.
struct WorkspaceFiles: Sendable {
    /// One workspace's file as a request uses it.
    struct File: Sendable {
        let database: ServiceDatabase
        let recentJobs: RecentJobs
        /// Where its photos are stored: each file's sweep removes only photos of its own jobs.
        let photoFolder: String
        /// Commits the jobs of concurrent requests to it together.
        let commits: GroupCommit<JobCreation>
    }

    private let lookup: @Sendable (String) throws -> File
    private let owned: @Sendable (String) -> Bool

    init(lookup: @escaping @Sendable (String) throws -> File, owned: @escaping @Sendable (String) -> Bool) {
        self.lookup = lookup
        self.owned = owned
    }

    /// One file for every workspace, written by this process alone (unit tests).
    static func single(_ database: ServiceDatabase, recentJobs: RecentJobs = RecentJobs(),
                       commits: GroupCommit<JobCreation>? = nil) -> WorkspaceFiles {
        let file = File(database: database, recentJobs: recentJobs, photoFolder: "inputs", commits: commits ?? GroupCommit(database: database))
        return WorkspaceFiles(lookup: { _ in file }, owned: { _ in true })
    }

    /// The workspace's file.
    func file(of workspaceID: String) throws -> File {
        try lookup(workspaceID)
    }

    /// The workspace's database.
    func database(of workspaceID: String) throws -> ServiceDatabase {
        try lookup(workspaceID).database
    }

    /// The cache of the workspace's shard's recently read jobs.
    func recentJobs(of workspaceID: String) throws -> RecentJobs {
        try lookup(workspaceID).recentJobs
    }

    /// How often a request waiting on one of the workspace's jobs looks at it again by itself: never
    /// when this replica owns the shard (its own projection signals every change), and often when
    /// another replica's does (whose commits signal no one here).
    func recheck(for workspaceID: String) -> Duration? {
        owned(workspaceID) ? nil : .milliseconds(200)
    }
}
