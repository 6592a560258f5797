import GRDB
import HallmarkCore

// GRDB's `row[column]` and `row[index]` stop the process (`try!`) when the value is NULL or cannot be read as the
// type asked for. The store never writes such a value, but a file altered by hand (an sqlite3 session, a damaged
// copy) can hold one: every column is read through these instead, and such a value is a `store-problem` naming the
// table and column. A nullable column is read as an `Optional`.
extension Row {
    /// The value of `column`, a column of `table`.
    /// - Throws: ``HallmarkError`` `store-problem` when the value is NULL or of another type.
    func stored<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        _ column: String,
        in table: String
    ) throws -> Value {
        do {
            return try decode(Value.self, forColumn: column)
        } catch is RowDecodingError {
            throw storeProblem(column, in: table, holding: try? decode(DatabaseValue.self, forColumn: column))
        }
    }

    /// The value of the column at `index` (of the query), a column of `table`.
    /// - Throws: ``HallmarkError`` `store-problem` when the value is NULL or of another type.
    func stored<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        at index: Int,
        in table: String
    ) throws -> Value {
        do {
            return try decode(Value.self, atIndex: index)
        } catch is RowDecodingError {
            // `decode` has checked the index.
            let column = Array(columnNames)[index]
            throw storeProblem(column, in: table, holding: try? decode(DatabaseValue.self, atIndex: index))
        }
    }

    private func storeProblem(_ column: String, in table: String, holding value: DatabaseValue?) -> HallmarkError {
        let found: String
        switch value?.storage {
        case nil: return HallmarkError(.storeProblem, "the store has no column \(table).\(column)")
        case .null: found = "NULL"
        case .int64: found = "an integer"
        case .double: found = "a real number"
        case .string: found = "text"
        case .blob: found = "a blob"
        }
        return HallmarkError(
            .storeProblem,
            "the store holds \(found) in \(table).\(column), which Hallmark never writes there "
                + "(was the file altered outside Hallmark?)"
        )
    }
}

extension Database {
    /// The first column of the first row `sql` returns, a column of `table`; `nil` when it returns no row.
    /// (`String.fetchOne` and the like answer `nil` for NULL too, as if there were no row.)
    /// - Throws: ``HallmarkError`` `store-problem` when the value is NULL or of another type.
    func storedValue<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        in table: String,
        sql: String,
        arguments: StatementArguments = StatementArguments()
    ) throws -> Value? {
        try Row.fetchOne(self, sql: sql, arguments: arguments).map { try $0.stored(at: 0, in: table) }
    }
}
