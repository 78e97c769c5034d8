using Superpower.Display;

namespace IngestLayer.Pipelines.Filters;

/// <summary>The tokens of the filter language; descriptions are what parse errors say was expected.</summary>
internal enum FilterToken
{
    [Token(Description = "a field")] Field,
    [Token(Description = "a string")] String,
    [Token(Description = "a number")] Number,
    [Token(Description = "\"true\"")] True,
    [Token(Description = "\"false\"")] False,
    [Token(Description = "\"and\"")] And,
    [Token(Description = "\"or\"")] Or,
    [Token(Description = "\"not\"")] Not,
    [Token(Description = "\"in\"")] In,
    [Token(Description = "\"contains\"")] Contains,
    [Token(Description = "\"starts_with\"")] StartsWith,
    [Token(Description = "\"exists\"")] Exists,
    [Token(Description = "\"list\"")] List,
    [Token(Description = "\"==\"")] Equal,
    [Token(Description = "\"!=\"")] NotEqual,
    [Token(Description = "\"<\"")] Less,
    [Token(Description = "\"<=\"")] LessOrEqual,
    [Token(Description = "\">\"")] Greater,
    [Token(Description = "\">=\"")] GreaterOrEqual,
    [Token(Description = "\"(\"")] LParen,
    [Token(Description = "\")\"")] RParen,
    [Token(Description = "\"[\"")] LBracket,
    [Token(Description = "\"]\"")] RBracket,
    [Token(Description = "\",\"")] Comma,
}
