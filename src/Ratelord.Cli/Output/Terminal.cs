using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Ratelord.Cli.Output;

/// <summary>Where commands write: tables through Spectre.Console for people, plain JSON for scripts.</summary>
internal static class Terminal
{
    /// <summary>Width of tables when the output is a file or a pipe, unless <c>COLUMNS</c> says otherwise.</summary>
    private const int RedirectedWidth = 160;

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Sets the console up once: a pipe gets wide tables rather than the 80 columns Spectre assumes, so that
    /// <c>ratelord pools | grep</c> sees whole rows.
    /// </summary>
    public static void Configure()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width =
                int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 40
                    ? columns
                    : RedirectedWidth;
        }
    }

    /// <summary>Writes a JSON document, indented, to standard output.</summary>
    public static void WriteJson(JsonElement element) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(element, Indented));

    /// <summary>Writes a JSON document on one line (JSON Lines), for streams.</summary>
    public static void WriteJsonLine(JsonElement element) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(element, Compact));

    /// <summary>Builds a JSON document from a writer callback.</summary>
    public static JsonElement Build(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(
            buffer,
            new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());

        return document.RootElement.Clone();
    }
}
