import EventContracts
import Foundation
import GRDB

/// Times as stored in rows: GRDB's own text form for `Date` (`2026-11-22 21:41:26.916`, UTC), so
/// records read them back as usual, but written without GRDB's `DateFormatter`, which costs more
/// than the rest of an insert on the hot paths (inbox, outbox, ledger).
public enum DatabaseTime {
    /// `date` as the database value GRDB would store for it, to the millisecond.
    public static func value(_ date: Date) -> DatabaseValue {
        guard let text = CivilTime.text(millisecondsSince1970: date.millisecondsSince1970, separator: " ", suffix: nil) else {
            return date.databaseValue
        }
        return text.databaseValue
    }
}
