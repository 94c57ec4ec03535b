using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Ppl.Generators
{
    /// <summary>
    /// A diagnostic as plain data: the pipeline's values must be equatable (and hold no syntax or symbols)
    /// so that the generator's caches work across edits.
    /// </summary>
    internal sealed class DiagInfo : IEquatable<DiagInfo>
    {
        public DiagInfo(string id, ImmutableArray<string> args, string path, TextSpan span, LinePositionSpan lines)
        {
            Id = id;
            Args = args;
            Path = path;
            Span = span;
            Lines = lines;
        }

        public string Id { get; }
        public ImmutableArray<string> Args { get; }
        public string Path { get; }
        public TextSpan Span { get; }
        public LinePositionSpan Lines { get; }

        public static DiagInfo Create(string id, Location location, params string[] args)
        {
            var line = location.GetLineSpan();
            return new DiagInfo(id, args.ToImmutableArray(), line.Path ?? "", location.SourceSpan, line.Span);
        }

        public Location ToLocation() => Path.Length == 0 && Span.IsEmpty ? Location.None : Location.Create(Path, Span, Lines);

        public bool Equals(DiagInfo? other) =>
            other != null && Id == other.Id && Path == other.Path && Span == other.Span && Lines == other.Lines && Args.SequenceEqual(other.Args);

        public override bool Equals(object? obj) => Equals(obj as DiagInfo);

        public override int GetHashCode() => (Id.GetHashCode() * 31 + Span.GetHashCode()) * 31 + Path.GetHashCode();
    }

    /// <summary>What the transformation of one model produced: the source to add and the diagnostics.</summary>
    internal sealed class ModelOutput : IEquatable<ModelOutput>
    {
        public ModelOutput(string? hintName, string? source, ImmutableArray<DiagInfo> diagnostics)
        {
            HintName = hintName;
            Source = source;
            Diagnostics = diagnostics;
        }

        public string? HintName { get; }
        public string? Source { get; }
        public ImmutableArray<DiagInfo> Diagnostics { get; }

        public bool Equals(ModelOutput? other) =>
            other != null && HintName == other.HintName && Source == other.Source && Diagnostics.SequenceEqual(other.Diagnostics);

        public override bool Equals(object? obj) => Equals(obj as ModelOutput);

        public override int GetHashCode() => (HintName?.GetHashCode() ?? 0) * 31 + (Source?.GetHashCode() ?? 0);
    }
}
