namespace Ppl.Generators.Ir
{
    /// <summary>The construct whose condition decides whether (or how often) an operation runs.</summary>
    internal enum ControlKind
    {
        /// <summary>An arm of an <c>if</c> statement or of a <c>?:</c> expression.</summary>
        Branch,

        /// <summary>The body of a <c>while</c>, <c>do</c>, <c>for</c> or <c>foreach</c> loop.</summary>
        Loop,

        /// <summary>A section or arm of a <c>switch</c> statement or expression.</summary>
        Switch,

        /// <summary>The right of <c>&amp;&amp;</c>, <c>||</c>, <c>??</c>, <c>??=</c>, or what follows <c>?.</c>.</summary>
        Guard,
    }
}
