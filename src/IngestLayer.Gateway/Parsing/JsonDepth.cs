namespace IngestLayer.Gateway.Parsing;

/// <summary>
/// How deeply a JSON text nests. System.Text.Json reports a body over its depth limit only as a generic JsonException;
/// measuring again on that (rare) error path tells a nesting limit apart from malformed JSON, so the answer can name it.
/// </summary>
internal static class JsonDepth
{
    /// <summary>The deepest nesting of objects and arrays in <paramref name="json"/>, ignoring brackets inside strings.</summary>
    public static int Of(ReadOnlySpan<byte> json)
    {
        int depth = 0, deepest = 0;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++; // the escaped byte cannot end the string
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    deepest = Math.Max(deepest, ++depth);
                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    break;
            }
        }

        return deepest;
    }
}
