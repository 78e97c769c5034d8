namespace IngestLayer.Storage.Postgres;

/// <summary>
/// The database's recorded schema disagrees with the migrations this binary carries (an applied file
/// was edited). Nothing is applied: fix it by adding a new migration instead of editing an old one.
/// </summary>
public sealed class SchemaMigrationException(string message) : Exception(message);
