#nullable enable
using System;
using System.Buffers;

namespace GameServer.UnityClient
{
    /// <summary>
    /// A growable <see cref="IBufferWriter{T}"/> for <c>MessagePackWriter</c>. .NET's <c>ArrayBufferWriter</c> is not in
    /// .NET Standard 2.1 (Unity's profile), hence this one.
    /// </summary>
    internal sealed class ByteBufferWriter : IBufferWriter<byte>
    {
        private byte[] _buffer;
        private int _written;

        public ByteBufferWriter(int initialCapacity)
        {
            _buffer = new byte[Math.Max(16, initialCapacity)];
        }

        public int WrittenCount => _written;

        public void Advance(int count)
        {
            if (count < 0 || _written + count > _buffer.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }
            _written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsMemory(_written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return _buffer.AsSpan(_written);
        }

        public byte[] ToArray()
        {
            var result = new byte[_written];
            Buffer.BlockCopy(_buffer, 0, result, 0, _written);
            return result;
        }

        private void Ensure(int sizeHint)
        {
            var needed = _written + Math.Max(1, sizeHint);
            if (needed > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
            }
        }
    }
}
