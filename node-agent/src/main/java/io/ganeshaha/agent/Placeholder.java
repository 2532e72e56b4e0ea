package io.ganeshaha.agent;
class Placeholder {}
