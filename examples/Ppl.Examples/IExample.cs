namespace Ppl.Examples;

/// <summary>A named example runnable from the command line.</summary>
internal interface IExample
{
    /// <summary>The name used on the command line.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    string Description { get; }

    /// <summary>Runs the example and returns the figures for the final JSON line.</summary>
    IReadOnlyDictionary<string, object> Run(ExampleContext context);
}
