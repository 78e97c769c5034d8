using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace IngestLayer.Storage.Postgres;

/// <summary>
/// The ASP.NET Core Data Protection key ring in the <c>data_protection_keys</c> table, so every host of a durable
/// cluster encrypts and decrypts with the same keys (a Slack token stored by one host is read by another).
/// Data Protection calls this synchronously, rarely (start-up, key ring refresh about daily, key creation).
/// </summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        try
        {
            using var command = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id");
            using var reader = command.ExecuteReader();
            var elements = new List<XElement>();
            while (reader.Read())
            {
                elements.Add(XElement.Parse(reader.GetString(0)));
            }

            return elements;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "read the Data Protection key ring");
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        try
        {
            // Key names are unique GUIDs; a second store of the same element (a retry) changes nothing.
            using var command = dataSource.CreateCommand(
                "INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING");
            command.Parameters.Add(SqlParameters.Text(friendlyName));
            command.Parameters.Add(SqlParameters.Text(element.ToString(SaveOptions.DisableFormatting)));
            command.ExecuteNonQuery();
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            throw PostgresErrors.Translate(e, "store a Data Protection key");
        }
    }
}
