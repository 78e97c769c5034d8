using IngestLayer.Gateway;

namespace IngestLayer.UnitTests;

public class OwnerCsvTests
{
    [Fact]
    public void good_rows_are_read_and_bad_rows_reported_by_line()
    {
        var csv = """
            account_id,owner,slack_channel
            acme,ada@vendor.com,#ada-alerts
            ,bob@vendor.com,#bob
            globex,,#x
            initech,cy@vendor.com,
            umbrella,dee@vendor.com,#Not A Channel
            "hooli, inc",eve@vendor.com,C0123ABCD
            """;

        var (rows, errors, fileError) = OwnerCsv.Read(new StringReader(csv));

        Assert.Null(fileError);
        Assert.Equal(
            [new OwnerRow(2, "acme", "ada@vendor.com", "#ada-alerts"), new OwnerRow(5, "initech", "cy@vendor.com", null), new OwnerRow(7, "hooli, inc", "eve@vendor.com", "C0123ABCD")],
            rows);
        Assert.Equal([3, 4, 6], errors.Select(e => e.Line));
        Assert.Contains("account_id is required", errors[0].Error);
    }

    [Fact]
    public void a_file_without_the_header_is_refused_whole()
    {
        var (rows, _, fileError) = OwnerCsv.Read(new StringReader("acme,ada,#a\n"));

        Assert.Empty(rows);
        Assert.Contains("header must be account_id,owner,slack_channel", fileError);
    }

    [Fact]
    public void a_row_with_a_stray_quote_is_reported_by_line_and_the_rows_around_it_are_kept()
    {
        var csv = "account_id,owner,slack_channel\nacme,ada,#ada\nglo\"bex,bob,#bob\ninitech,cy,#cy\n";

        var (rows, errors, fileError) = OwnerCsv.Read(new StringReader(csv));

        Assert.Null(fileError);
        Assert.Equal(["acme", "initech"], rows.Select(r => r.AccountId));
        var error = Assert.Single(errors);
        Assert.Equal((3, "malformed CSV (a stray or unbalanced quote)"), (error.Line, error.Error));
    }
}
