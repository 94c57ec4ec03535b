using System;

namespace Ppl.Generators.Ir
{
    /// <summary>
    /// How a value depends on a source: the kinds of step on the way from the source to it. The data-flow engine
    /// keeps, per source, every combination it has seen, so that each consumer can ask for the paths it trusts
    /// (the sound dependency table takes all but <see cref="Storage"/>, the batched form's taint takes <see cref="Derived"/>
    /// ones, the differentiable form only <see cref="Value"/> ones) from one fixed point.
    /// </summary>
    [Flags]
    internal enum FlowPath : byte
    {
        /// <summary>The source's value itself, carried through arithmetic that keeps a real number real (+, −, ×, ÷, unary ±, floating casts, Math functions, array elements).</summary>
        Value = 0,

        /// <summary>
        /// Through a step that makes another kind of value (a comparison, a cast to an integer, a member, an index, a call
        /// that returns no floating value), a conditional's condition, or an enclosing <c>if</c>/<c>?:</c> arm whose
        /// variable was declared outside it: what a syntactic "mentions a random value" taint follows.
        /// </summary>
        Derived = 1,

        /// <summary>
        /// Only through what a sound analysis must also assume: the heap pseudo-variable, loop, switch and short-circuit
        /// conditions, a branch around a variable declared inside it, writes through <c>out</c>/<c>ref</c>, deconstruction
        /// and patterns, an array's length, the index of an element written.
        /// </summary>
        Conservative = 2,

        /// <summary>
        /// Not a dependence, only a lowered type: an assignment used as a value (<c>z = (y = 1.0)</c>) is its target in
        /// the lowered code, so it has the type the lowering gives the target. The lowerings follow it; the sound table
        /// ignores it (no "anything" travels along it either).
        /// </summary>
        Storage = 4,
    }
}
