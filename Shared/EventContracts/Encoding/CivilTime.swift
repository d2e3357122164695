/// Fixed-width UTC timestamps (`YYYY-MM-DD?HH:MM:SS.mmm` plus a suffix) written and read with
/// calendar arithmetic on day counts (Howard Hinnant's `days_from_civil` / `civil_from_days`, exact for
/// the proleptic Gregorian calendar that ISO 8601 prescribes; Foundation's formatters agree from
/// October 1582, before which they turn Julian). Every event and every database row carries a time,
/// and the system formatters cost microseconds per call; these cost nanoseconds.
public enum CivilTime {
    /// The timestamp for `millisecondsSince1970`, or nil outside years 0000–9999.
    public static func text(millisecondsSince1970 total: Int64, separator: Unicode.Scalar, suffix: Unicode.Scalar?) -> String? {
        let (days, millisecondOfDay) = (total.floorDivided(by: 86_400_000), total.floorModulo(by: 86_400_000))
        let (year, month, day) = civil(daysSince1970: days)
        guard (0...9999).contains(year) else { return nil }
        var bytes = [UInt8](repeating: 0, count: suffix == nil ? 23 : 24)
        func put(_ value: Int64, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 0, digits: 4)
        put(month, at: 5, digits: 2)
        put(day, at: 8, digits: 2)
        put(millisecondOfDay / 3_600_000, at: 11, digits: 2)
        put(millisecondOfDay / 60_000 % 60, at: 14, digits: 2)
        put(millisecondOfDay / 1000 % 60, at: 17, digits: 2)
        put(millisecondOfDay % 1000, at: 20, digits: 3)
        for (offset, mark) in [(4, "-"), (7, "-"), (10, separator), (13, ":"), (16, ":"), (19, ".")] as [(Int, Unicode.Scalar)] {
            bytes[offset] = UInt8(ascii: mark)
        }
        if let suffix { bytes[23] = UInt8(ascii: suffix) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Milliseconds since 1970 for exactly the shape `text` writes, or nil for anything else,
    /// including impossible dates such as February 30th.
    public static func milliseconds(parsing bytes: UnsafeBufferPointer<UInt8>, separator: Unicode.Scalar, suffix: Unicode.Scalar?) -> Int64? {
        guard bytes.count == (suffix == nil ? 23 : 24) else { return nil }
        for (offset, mark) in [(4, "-"), (7, "-"), (10, separator), (13, ":"), (16, ":"), (19, ".")] as [(Int, Unicode.Scalar)]
        where bytes[offset] != UInt8(ascii: mark) {
            return nil
        }
        if let suffix, bytes[23] != UInt8(ascii: suffix) { return nil }
        func number(_ offset: Int, _ digits: Int) -> Int64? {
            var value: Int64 = 0
            for index in offset..<(offset + digits) {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              let millisecond = number(20, 3),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }

    static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear.floorDivided(by: 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
